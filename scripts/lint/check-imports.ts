/**
 * Checks who may import whom (README.md, "Architecture") with dependency-cruiser and the rules
 * of .dependency-cruiser.cjs. Imports that broke a rule before it was checked are listed in
 * .dependency-cruiser-known-violations.json and pass; any other forbidden import fails, named
 * by its rule. `--update` rewrites that list (only after removing violations: it must shrink).
 *
 *   npx tsx scripts/lint/check-imports.ts [--update]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lib/paths.ts';

export const CHECKED = ['schema', 'api', 'relayer', 'dapp', 'scripts', 'tests'];
export const KNOWN = '.dependency-cruiser-known-violations.json';

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
  if (process.argv.includes('--update')) {
    const { status, output } = cruise(repoRoot, CHECKED, ['--output-type', 'baseline']);
    if (status !== 0) throw new Error(output);
    writeFileSync(join(repoRoot, KNOWN), output);
  } else {
    const { status, output } = cruise(repoRoot, CHECKED, ['--ignore-known', KNOWN, '--output-type', 'err']);
    process.stdout.write(output);
    process.exitCode = status;
  }
}
