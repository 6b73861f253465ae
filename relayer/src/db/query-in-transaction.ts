import type pg from 'pg';

/**
 * Runs one statement inside its own transaction. On real PostgreSQL that costs two short
 * round trips. On the embedded database it is required: pglite-socket multiplexes every
 * connection onto one session and only keeps a connection's messages together inside a
 * transaction, so two connections' parameterized statements can otherwise interleave and
 * use each other's unnamed portal ("portal \"\" does not exist", or worse, the wrong rows).
 */
export async function queryInTransaction<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await client.query<R>(text, values);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
