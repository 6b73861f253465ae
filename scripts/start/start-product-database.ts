import { join } from 'node:path';
import pg from 'pg';
import { spawnEmbeddedDatabase } from '../db/spawn-embedded-database.ts';
import { freePort, startPostgresServer } from '../db/start-postgres-server.ts';

export type DatabaseMode = 'embedded' | 'postgres';

export interface ProductDatabase {
  url: string;
  /** True for PGlite: its clients keep one connection (scripts/db/README.md). */
  embedded: boolean;
  describe: string;
  close(): Promise<void>;
}

/** `--db embedded` (the default) or `--db postgres`; anything else is refused. */
export function databaseModeFromArgs(argv: string[]): DatabaseMode {
  const i = argv.findIndex((a) => a === '--db' || a.startsWith('--db='));
  if (i < 0) return 'embedded';
  const value = argv[i]?.includes('=') ? argv[i]?.split('=')[1] : argv[i + 1];
  if (value === 'embedded' || value === 'postgres') return value;
  throw new Error(`--db takes "embedded" or "postgres", not "${value ?? ''}"`);
}

/**
 * The database `npm start` runs on:
 *  - DATABASE_URL set: that server, whatever the mode (an external PostgreSQL with pgvector);
 *  - `--db postgres`: a PostgreSQL 18 server with pgvector from the pinned wheel, cluster in
 *    `<data>/postgres`, database `privexbot`;
 *  - otherwise the embedded PGlite in its own process, data in `<data>/db`.
 */
export async function startProductDatabase(options: {
  mode: DatabaseMode;
  dataDir: string;
  port: number;
  host: string;
}): Promise<ProductDatabase> {
  const external = process.env.DATABASE_URL;
  if (external) {
    return {
      url: external,
      embedded: false,
      describe: 'external PostgreSQL (DATABASE_URL)',
      close: async () => {},
    };
  }
  if (options.mode === 'embedded') {
    const db = await spawnEmbeddedDatabase({
      dataDir: join(options.dataDir, 'db'),
      port: options.port,
      host: options.host,
      // PGlite commits its shared buffers at start: 512 MB of them cost 880 MB resident at
      // idle, 128 MB cost 500 MB. 128 MB hold a bot of ~30k chunks; bigger knowledge bases
      // are what `--db postgres` (or PRIVEXBOT_DB_SHARED_BUFFERS=512MB) is for.
      sharedBuffers: process.env.PRIVEXBOT_DB_SHARED_BUFFERS ?? '128MB',
    });
    return { url: db.url, embedded: true, describe: `embedded PGlite at ${db.url}`, close: () => db.close() };
  }
  const port = (await isFree(options.host, options.port)) ? options.port : await freePort(options.host);
  const server = await startPostgresServer({
    dataDir: join(options.dataDir, 'postgres'),
    port,
    host: options.host,
  });
  const url = server.urlOf('privexbot');
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'privexbot'");
    if (rowCount === 0) await admin.query('CREATE DATABASE privexbot');
  } finally {
    await admin.end();
  }
  return { url, embedded: false, describe: `PostgreSQL 18 server at ${url}`, close: () => server.stop() };
}

async function isFree(host: string, port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
