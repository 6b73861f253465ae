/**
 * Every test of the project, in the order that fails fastest: contract wasm build and checks,
 * freshness of generated schemas and types, Rust tests (both targets), type checks and lint,
 * then the TypeScript suites (unit, integration against PGlite and the devnet, browser), then
 * the database suites again on a real PostgreSQL server.
 *
 * Prints one closing line `N passed, N failed` summing the Rust and TypeScript test counts.
 * `npm test -- --only rust,ts` runs some steps; `--list` names them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWidget } from '@privexbot/dapp/widget/build-widget';
import { buildContracts, CONTRACTS } from '../contracts/build-contracts.ts';
import { checkSchemasFresh } from '../contracts/generate-schemas.ts';
import { listDatabaseSuites } from '../db/list-database-suites.ts';
import { cacheDir, repoRoot } from '../lib/paths.ts';
import { ensureWasmd } from '../wasmd/build-wasmd.ts';

interface Counts {
  passed: number;
  failed: number;
}

const cargoEnv = {
  ...process.env,
  CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? join(cacheDir, 'cargo-target'),
};

/** Runs a command, streaming its output, and returns what it printed. Rejects on non-zero exit. */
function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(Object.assign(new Error(`${cmd} ${args.join(' ')} exited ${code}`), { out })),
    );
  });
}

function cargoCounts(output: string): Counts {
  const counts = { passed: 0, failed: 0 };
  for (const m of output.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    counts.passed += Number(m[1]);
    counts.failed += Number(m[2]);
  }
  return counts;
}

// dapp/widget has a tsconfig of its own: the dapp's excludes it (no React, its own DOM-only lib).
const tsWorkspaces = ['schema', 'api', 'relayer', 'scripts', 'tests', 'dapp', 'dapp/widget'].filter((w) =>
  existsSync(join(repoRoot, w, 'tsconfig.json')),
);

/** One vitest run (all projects, or `files`), counted from its JSON report. */
async function runVitest(
  args: string[],
  options: { wrap?: string[]; files?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<Counts> {
  const dir = mkdtempSync(join(tmpdir(), 'privexbot-vitest-'));
  const report = join(dir, 'report.json');
  const vitest = [
    join(repoRoot, 'node_modules', '.bin', 'vitest'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...args,
    ...(options.files ?? []),
  ];
  const [cmd, ...cmdArgs] = options.wrap
    ? [join(repoRoot, 'node_modules', '.bin', 'tsx'), ...options.wrap, ...vitest]
    : vitest;
  try {
    await sh(cmd as string, cmdArgs, { ...process.env, ...options.env }).catch((err) => {
      if (!existsSync(report)) throw err;
    });
    const r = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numFailedTestSuites: number;
    };
    // A file that fails to load runs no test but is a failure all the same.
    return { passed: r.numPassedTests, failed: r.numFailedTests + r.numFailedTestSuites };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Step {
  name: string;
  run: () => Promise<Counts | undefined>;
}

const steps: Step[] = [
  {
    name: 'wasm',
    run: async () => {
      buildContracts();
      return undefined;
    },
  },
  {
    name: 'schemas',
    run: async () => {
      checkSchemasFresh();
      if (existsSync(join(repoRoot, 'scripts', 'gen-contract-types.ts'))) {
        await sh(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['scripts/gen-contract-types.ts', '--check']);
      }
      return undefined;
    },
  },
  {
    name: 'rust',
    run: async () => {
      const vanilla = await sh('cargo', ['test', '--workspace', '--locked'], cargoEnv);
      const packages = ['shared', ...CONTRACTS].flatMap((c) => ['-p', `privexbot-${c}`]);
      const secret = await sh(
        'cargo',
        ['test', '--locked', ...packages, '--no-default-features', '--features', 'secret'],
        cargoEnv,
      );
      const a = cargoCounts(vanilla);
      const b = cargoCounts(secret);
      return { passed: a.passed + b.passed, failed: a.failed + b.failed };
    },
  },
  {
    name: 'typecheck',
    run: async () => {
      const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
      for (const w of tsWorkspaces) await sh(tsc, ['-p', w, '--noEmit']);
      return undefined;
    },
  },
  {
    name: 'lint',
    run: async () => {
      await sh(join(repoRoot, 'node_modules', '.bin', 'biome'), ['check', '--diagnostic-level=error', '.']);
      // Who may import whom (README.md, "Architecture"): a forbidden import fails, named by its rule.
      await sh(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['scripts/lint/check-imports.ts']);
      return undefined;
    },
  },
  {
    name: 'ts',
    // The server-only suites run in the postgres step, on the server it starts. The api serves
    // the widget's bundle: build it first rather than rely on the widget tests running earlier.
    run: async () => {
      await buildWidget();
      return runVitest([], { env: { PRIVEXBOT_TEST_SKIP_SERVER_SUITES: '1' } });
    },
  },
  {
    // The database suites again, on a real PostgreSQL server (many sessions, real locks),
    // plus the tests only a server can run (tests/postgres).
    name: 'postgres',
    run: async () => {
      // The api serves the widget's bundle; the ts step's widget tests build it, this step
      // may run alone.
      await buildWidget();
      return runVitest([], {
        wrap: ['scripts/db/run-with-postgres-server.ts', '--'],
        files: listDatabaseSuites(),
      });
    },
  },
  {
    // The suites on a real wasmd node (tests/wasmd/README.md): wasmd is built once per machine
    // into the cache (about 7 minutes on 2 cores), then each file starts its own local chain.
    name: 'wasmd',
    run: async () => {
      await ensureWasmd((line) => console.log(`[wasmd] ${line}`));
      return runVitest(['--config', 'tests/wasmd/vitest.config.ts']);
    },
  },
];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--list')) {
    console.log(steps.map((s) => s.name).join('\n'));
    return;
  }
  const onlyArg = argv.find((a) => a.startsWith('--only'));
  const only = onlyArg
    ? (onlyArg.split('=')[1] ?? argv[argv.indexOf(onlyArg) + 1] ?? '').split(',')
    : undefined;
  const total: Counts = { passed: 0, failed: 0 };
  const failedSteps: string[] = [];
  const timings: string[] = [];
  for (const step of steps) {
    if (only && !only.includes(step.name)) continue;
    const started = Date.now();
    console.log(`\n=== ${step.name} ===`);
    try {
      const counts = await step.run();
      if (counts) {
        total.passed += counts.passed;
        total.failed += counts.failed;
        if (counts.failed > 0) failedSteps.push(step.name);
      }
    } catch (err) {
      const out = (err as { out?: string }).out;
      if (step.name === 'rust' && out) {
        const c = cargoCounts(out);
        total.passed += c.passed;
        total.failed += Math.max(c.failed, 1);
      } else {
        console.error(err instanceof Error ? err.message : err);
        total.failed += 1;
      }
      failedSteps.push(step.name);
    }
    timings.push(`${step.name} ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  console.log(`\nsteps: ${timings.join(', ')}`);
  if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
  console.log(`${total.passed} passed, ${total.failed} failed`);
  process.exit(failedSteps.length > 0 ? 1 : 0);
}

await main();
