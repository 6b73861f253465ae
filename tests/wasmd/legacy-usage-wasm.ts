/**
 * The usage contract as it was deployed before settlement v2 (v1 batches only, every counter a
 * JSON record per (org, day) and per (org, bot, day)), built from the repository's own history
 * with today's wasm toolchain, once per machine: the migration test deploys it, settles on it,
 * then migrates it onto the current code. A clone without that commit (a shallow one) cannot
 * build it, and the test says so instead of passing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { detectToolchain } from '../../scripts/contracts/build-contracts.js';
import { cacheDir, repoRoot } from '../../scripts/lib/paths.js';

/** The last commit whose usage contract knew only `submit_batch` and the JSON counters. */
export const LEGACY_USAGE_COMMIT = '7b44bd3d6b93c0622e0a118e106c47d1123116dd';

/** The optimized vanilla wasm of the usage contract at LEGACY_USAGE_COMMIT (built on first use). */
export function legacyUsageWasm(): Uint8Array {
  const home = join(cacheDir, 'legacy-usage', LEGACY_USAGE_COMMIT.slice(0, 12));
  const wasm = join(home, 'usage.vanilla.wasm');
  if (existsSync(wasm)) return new Uint8Array(readFileSync(wasm));
  mkdirSync(home, { recursive: true });
  const sources = mkdtempSync(join(home, 'src-'));
  try {
    const archive = join(sources, 'sources.tar');
    try {
      execFileSync(
        'git',
        ['archive', '-o', archive, LEGACY_USAGE_COMMIT, 'Cargo.toml', 'Cargo.lock', 'contracts'],
        {
          cwd: repoRoot,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
    } catch (error) {
      throw new Error(
        `the legacy usage contract is built from commit ${LEGACY_USAGE_COMMIT}, which this clone lacks (a shallow clone? fetch the full history): ${(error as Error).message}`,
      );
    }
    execFileSync('tar', ['-xf', archive, '-C', sources]);
    const toolchain = detectToolchain();
    // its own target directory: the shared one's artifacts are the current contracts'
    const targetDir = join(cacheDir, 'legacy-usage', 'target');
    execFileSync(
      toolchain.cargo,
      [
        'build',
        '--release',
        '--lib',
        '--locked',
        '--target',
        'wasm32-unknown-unknown',
        ...toolchain.extraArgs,
        '-p',
        'privexbot-usage',
      ],
      {
        cwd: sources,
        env: { ...toolchain.env, CARGO_TARGET_DIR: targetDir },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const partial = `${wasm}.${process.pid}.tmp`;
    execFileSync('wasm-opt', [
      '-Oz',
      '--mvp-features',
      '--strip-debug',
      '--strip-producers',
      join(targetDir, 'wasm32-unknown-unknown', 'release', 'privexbot_usage.wasm'),
      '-o',
      partial,
    ]);
    renameSync(partial, wasm);
    return new Uint8Array(readFileSync(wasm));
  } finally {
    rmSync(sources, { recursive: true, force: true });
  }
}
