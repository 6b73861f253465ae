import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from '../db/apply-migrations.js';
import { createPrismaClient } from '../db/prisma.js';
import { DEFAULT_POOL_MAX } from '../db/resolve-pool-size.js';
import type { TestDatabase } from './start-test-database.js';

/** Any fixed number, so concurrent test files build the migrated template once. */
const TEMPLATE_LOCK = 5_150_415;

/**
 * A fresh, migrated database on a real PostgreSQL server (PRIVEXBOT_TEST_POSTGRES_URL, a
 * superuser URL): the first caller migrates a template database named after the migrations'
 * hash, every test file then gets `CREATE DATABASE … TEMPLATE` (a file copy, tens of
 * milliseconds) and drops it when done. The pool has the size production uses on a server,
 * so concurrent requests really run in parallel sessions.
 */
export async function createServerTestDatabase(
  serverUrl: string,
  migrationsKey: string,
): Promise<TestDatabase> {
  const template = `privexbot_template_${migrationsKey}`;
  const name = `privexbot_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (rowCount === 0) {
      // Migrated under another name and renamed when complete: a run killed half-way never
      // leaves a half-migrated template behind.
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building}`);
      await applyMigrations({ databaseUrl: databaseUrl(serverUrl, building) });
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    }
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(serverUrl, name);
  // As main.ts connects to a server: several sessions, each with its named statements.
  const prisma = createPrismaClient({
    databaseUrl: url,
    maxConnections: DEFAULT_POOL_MAX,
    namedStatements: true,
  });
  return {
    url,
    prisma,
    async close() {
      await prisma.$disconnect();
      await dropDatabase(serverUrl, name);
    },
  };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
