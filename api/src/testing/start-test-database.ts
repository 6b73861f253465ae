import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { applyMigrations, defaultMigrationsDir } from '../db/apply-migrations.js';
import { createPrismaClient, type Database } from '../db/prisma.js';
import { createServerTestDatabase } from './create-server-test-database.js';
import { pgliteExtensions } from './pglite-extensions.js';

export interface TestDatabase {
  url: string;
  prisma: Database;
  close(): Promise<void>;
}

const cacheDir = fileURLToPath(new URL('../../.cache/test-db', import.meta.url));

/**
 * Set to a superuser URL of a PostgreSQL server (with pgvector), every test database is a
 * fresh database on that server instead of an embedded one: `npm test` runs the database
 * suites both ways (scripts/db/run-with-postgres-server.ts starts the server and sets it).
 */
export const TEST_POSTGRES_URL_ENV = 'PRIVEXBOT_TEST_POSTGRES_URL';

/**
 * A fresh, migrated PostgreSQL (PGlite + pgvector) for one test file, served over the wire
 * protocol like production; or a fresh database on a real server when
 * PRIVEXBOT_TEST_POSTGRES_URL is set, unless the test is about the embedded database itself
 * (`embedded: true`). Creating a PGlite cluster runs initdb (5–15 s on a busy machine);
 * loading a dump of an already migrated one takes a fraction of that, so the first caller
 * builds the dump (keyed by a hash of the migrations) and every later one loads it.
 * The scripts/db package serves the same database for `npm start`; tests may not import
 * scripts, hence this small duplicate.
 */
export async function startTestDatabase(options: { embedded?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = options.embedded ? undefined : process.env[TEST_POSTGRES_URL_ENV];
  if (serverUrl) return createServerTestDatabase(serverUrl, await migrationsHash());
  const template = await migratedTemplate();
  const db = await PGlite.create({
    loadDataDir: new Blob([new Uint8Array(template)]),
    extensions: pgliteExtensions,
  });
  const served = await serve(db);
  // One connection, as main.ts chooses for the embedded database (db/resolve-pool-size.ts).
  const prisma = createPrismaClient({ databaseUrl: served.url, maxConnections: 1 });
  return {
    url: served.url,
    prisma,
    async close() {
      await prisma.$disconnect();
      await served.close();
    },
  };
}

/** A fresh, migrated database on the PostgreSQL server at `serverUrl` (a superuser URL). */
export async function startServerTestDatabase(serverUrl: string): Promise<TestDatabase> {
  return createServerTestDatabase(serverUrl, await migrationsHash());
}

async function migratedTemplate(): Promise<Uint8Array> {
  const key = await migrationsHash();
  const file = join(cacheDir, `${key}.tar`);
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    // not built yet
  }
  const db = await PGlite.create({ extensions: pgliteExtensions });
  const served = await serve(db);
  await applyMigrations({ databaseUrl: served.url });
  const dump = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
  await served.close();
  await mkdir(cacheDir, { recursive: true });
  // Parallel test workers may build it at once: write aside, then rename atomically.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, dump);
  await rename(partial, file);
  return dump;
}

async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  // A dump only loads into the PGlite version that wrote it.
  hash.update(await pgliteVersion());
  for (const name of (await readdir(defaultMigrationsDir)).sort()) {
    hash.update(name);
    hash.update(
      await readFile(join(defaultMigrationsDir, name, 'migration.sql')).catch(() => Buffer.alloc(0)),
    );
  }
  return hash.digest('hex').slice(0, 16);
}

async function serve(db: PGlite): Promise<{ url: string; close(): Promise<void> }> {
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

/** The installed PGlite's version (its package.json is not in its exports map). */
async function pgliteVersion(): Promise<string> {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (dir !== dirname(dir)) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
      if (manifest.name === '@electric-sql/pglite') return String(manifest.version);
    } catch {
      // no package.json here
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
