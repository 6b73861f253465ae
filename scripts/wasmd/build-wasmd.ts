/**
 * npx tsx scripts/wasmd/build-wasmd.ts  →  prints the path of a `wasmd` binary.
 *
 * Builds the pinned wasmd from the Go module proxy (go.mod and go.sum in ./go, committed) into
 * `<cache>/wasmd/<key>/wasmd`, once per machine: the key is the version plus a hash of go.mod,
 * go.sum and the Go toolchain's version, so a new pin or a new Go builds again and nothing
 * else does. About 7 minutes on 2 cores. `libwasmvm` comes prebuilt inside the wasmvm module.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../lib/paths.js';

export const WASMD_VERSION = 'v0.61.15';
const WASMD_PACKAGE = 'github.com/CosmWasm/wasmd/cmd/wasmd';
const moduleDir = fileURLToPath(new URL('./go', import.meta.url));

export class WasmdBuildError extends Error {
  override readonly name = 'WasmdBuildError';
}

function goVersion(): string {
  try {
    return execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  } catch {
    throw new WasmdBuildError(
      'Go is not installed: install Go >= 1.24 (https://go.dev/dl) to build the local wasmd node',
    );
  }
}

/** The cache directory of this pin: `<cache>/wasmd/<version>-<hash>`. */
export function wasmdCacheDir(): string {
  const hash = createHash('sha256')
    .update(readFileSync(join(moduleDir, 'go.mod')))
    .update(readFileSync(join(moduleDir, 'go.sum')))
    .update(goVersion())
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir, 'wasmd', `${WASMD_VERSION}-${hash}`);
}

/** Path of the cached binary, building it first when it is missing. */
export async function ensureWasmd(log: (line: string) => void = () => {}): Promise<string> {
  const dir = wasmdCacheDir();
  const binary = join(dir, 'wasmd');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  // A per-process temporary name, renamed into place: two builds at once both succeed, and a
  // killed build never leaves a truncated binary under the final name.
  const partial = join(dir, `wasmd.partial-${process.pid}`);
  log(`building wasmd ${WASMD_VERSION} into ${dir} (once per machine, about 7 minutes on 2 cores)`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['build', '-mod=readonly', '-o', partial, WASMD_PACKAGE], {
      cwd: moduleDir,
      env: { ...process.env, GOFLAGS: '-buildvcs=false', GOWORK: 'off' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', (error) => reject(new WasmdBuildError(`could not run go: ${error.message}`)));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new WasmdBuildError(`go build of wasmd exited with ${code}`)),
    );
  }).catch((error: unknown) => {
    rmSync(partial, { force: true });
    throw error;
  });
  renameSync(partial, binary);
  log(`built wasmd in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureWasmd((line) => console.error(`[wasmd] ${line}`)).then(
    (binary) => console.log(binary),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
