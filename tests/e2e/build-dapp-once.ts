/**
 * The dapp's production build for the journey: `vite build` into a cache directory keyed by a
 * hash of everything the bundle is made of (the dapp's sources and config, and the schema code
 * it imports). A build takes about a minute on a busy machine; with an
 * unchanged dapp the journey reuses the last one.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cacheDir, repoRoot } from '../../scripts/lib/paths.js';

const INPUTS = [
  'dapp/src',
  'dapp/index.html',
  'dapp/vite.config.ts',
  'dapp/package.json',
  'schema/src',
  'package-lock.json',
];

function filesUnder(path: string): string[] {
  const full = join(repoRoot, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true })
    .filter((entry) => !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.test.tsx'))
    .flatMap((entry) => filesUnder(join(path, entry.name)));
}

const SHARED_SETTINGS = ['CHAIN_ID', 'BILLING_CONTRACT', 'USAGE_CONTRACT', 'PAYMENT_TOKEN_ADDRESS'];

function hashInputs(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder).sort()) {
    hash.update(`${relative(repoRoot, join(repoRoot, file))}\0`);
    hash.update(readFileSync(join(repoRoot, file)));
  }
  for (const [key, value] of Object.entries(process.env).sort()) {
    // The build also derives VITE_ settings from these shared names (dapp/vite.config.ts).
    if (key.startsWith('VITE_') || SHARED_SETTINGS.includes(key)) hash.update(`${key}=${value}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** The directory of a production build of the current dapp sources (built when missing). */
export async function buildDappOnce(): Promise<string> {
  const cacheRoot = join(cacheDir, 'dapp-build');
  const outDir = join(cacheRoot, hashInputs());
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  mkdirSync(cacheRoot, { recursive: true });
  const building = `${outDir}.${process.pid}.tmp`;
  let output = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'node_modules/vite/bin/vite.js'),
        'build',
        'dapp',
        '--outDir',
        building,
        '--emptyOutDir',
        '--sourcemap',
        'false',
        '--logLevel',
        'warn',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.once('exit', resolve);
  });
  if (code !== 0) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(`vite build failed (code ${code}):\n${output}`);
  }
  // Several runs may build at once: the first rename wins, the others drop their copy.
  try {
    renameSync(building, outDir);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return outDir;
}
