/**
 * Regenerates the contracts' JSON Schemas (cosmwasm-schema, through each contract's
 * `examples/<contract>_schema.rs`) into schema/json/<contract>/, or checks that the committed ones are
 * current. Usage: tsx scripts/contracts/generate-schemas.ts [--check]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, repoRoot } from '../lib/paths.ts';
import { CONTRACTS } from './build-contracts.ts';

const env = {
  ...process.env,
  CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? join(cacheDir, 'cargo-target'),
};

export const schemaDir = (contract: string) => join(repoRoot, 'schema', 'json', contract);

/** Paths of all files below `dir`, relative to it. */
function filesBelow(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesBelow(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

function generateInto(contract: string, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  execFileSync(
    'cargo',
    [
      'run',
      '--quiet',
      '--locked',
      '-p',
      `privexbot-${contract}`,
      '--example',
      `${contract}_schema`,
      '--',
      outDir,
    ],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

export function generateSchemas(): void {
  for (const c of CONTRACTS) {
    rmSync(schemaDir(c), { recursive: true, force: true });
    generateInto(c, schemaDir(c));
    console.log(`wrote schema/json/${c}/`);
  }
}

/** Throws, naming the stale files, when the committed schemas differ from the contracts. */
export function checkSchemasFresh(): void {
  const stale: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'privexbot-schema-'));
  try {
    for (const c of CONTRACTS) {
      const fresh = join(tmp, c);
      generateInto(c, fresh);
      const committed = schemaDir(c);
      const names = new Set([...filesBelow(fresh), ...filesBelow(committed)]);
      for (const name of names) {
        const a = join(fresh, name);
        const b = join(committed, name);
        if (!existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b))) {
          stale.push(`schema/json/${c}/${name}`);
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (stale.length > 0) {
    throw new Error(
      `Committed contract schemas are stale: ${stale.join(', ')}.\n` +
        'Run `npx tsx scripts/contracts/generate-schemas.ts` and commit the result.',
    );
  }
  console.log('contract schemas are current');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--check')) checkSchemasFresh();
  else generateSchemas();
}
