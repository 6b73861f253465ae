import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whichever script asks. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where slow-to-rebuild things live, outside the clone so a fresh clone on the same machine
 * reuses them: the cargo target directories and the wasm cache. `rm -rf` it to start over.
 */
export const cacheDir =
  process.env.PRIVEXBOT_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'privexbot');
