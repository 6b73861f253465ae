import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Applies the plain SQL files of ./migrations in name order, each once, inside a transaction.
 * A transaction-level advisory lock (released at commit, so it is safe on pooled and on
 * multiplexed connections alike) keeps two relayers starting together from racing.
 */
export async function migrateRelayerSchema(pool: pg.Pool): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('privexbot-relayer-migrations'))");
    await client.query('CREATE SCHEMA IF NOT EXISTS relayer');
    await client.query(
      'CREATE TABLE IF NOT EXISTS relayer.schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM relayer.schema_migration')).rows.map(
        (r) => r.name,
      ),
    );
    for (const name of files) {
      if (done.has(name)) continue;
      await client.query(readFileSync(`${MIGRATIONS_DIR}${name}`, 'utf8'));
      await client.query('INSERT INTO relayer.schema_migration (name) VALUES ($1)', [name]);
      applied.push(name);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
