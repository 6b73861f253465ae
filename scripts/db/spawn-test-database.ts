import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { spawnEmbeddedDatabase } from './spawn-embedded-database.js';
import type { EmbeddedDatabase, EmbeddedDatabaseOptions } from './start-embedded-database.js';

/** The one setting that moves the database suites onto a PostgreSQL server (a superuser URL). */
export const TEST_POSTGRES_URL_ENV = 'PRIVEXBOT_TEST_POSTGRES_URL';

export function testPostgresUrl(): string | undefined {
  return process.env[TEST_POSTGRES_URL_ENV] || undefined;
}

/**
 * An empty database for a test stack (the relayer and the api migrate their own schemas):
 * a fresh database on the PostgreSQL server named by PRIVEXBOT_TEST_POSTGRES_URL, or else
 * the embedded database in a child process. `kind` says which, for assertions and logs.
 */
export async function spawnTestDatabase(
  options: Omit<EmbeddedDatabaseOptions, 'port'> & { port?: number },
): Promise<EmbeddedDatabase & { kind: 'server' | 'embedded' }> {
  const serverUrl = testPostgresUrl();
  if (!serverUrl) {
    const embedded = await spawnEmbeddedDatabase({ ...options, port: options.port ?? 0 });
    return { ...embedded, kind: 'embedded' };
  }
  const created = await createServerDatabase(serverUrl);
  return { ...created, kind: 'server' };
}

/** CREATE DATABASE with pgvector on the server; close() drops it, ending its sessions. */
export async function createServerDatabase(serverUrl: string): Promise<EmbeddedDatabase> {
  const name = `privexbot_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('CREATE EXTENSION IF NOT EXISTS vector').finally(() => client.end());
  let closing: Promise<void> | undefined;
  return {
    url: url.toString(),
    close() {
      closing ??= adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return closing;
    },
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
