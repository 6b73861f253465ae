/**
 * Checks who may import whom (README.md, "Architecture") with dependency-cruiser and the rules
 * of .dependency-cruiser.cjs: any forbidden import fails, named by its rule.
 *
 *   npx tsx scripts/lint/check-imports.ts
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../lib/paths.ts';

export const CHECKED = ['schema', 'api', 'relayer', 'dapp', 'scripts', 'tests'];

/** Runs dependency-cruiser in `cwd` on `paths`; returns its exit status and report. */
export function cruise(
  cwd: string,
  paths: string[],
  extra: string[] = [],
): { status: number; output: string } {
  const result = spawnSync(
    join(repoRoot, 'node_modules', '.bin', 'depcruise'),
    ['--config', join(repoRoot, '.dependency-cruiser.cjs'), ...extra, ...paths],
    { cwd, encoding: 'utf8' },
  );
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { status, output } = cruise(repoRoot, CHECKED, ['--output-type', 'err']);
  process.stdout.write(output);
  process.exitCode = status;
}
