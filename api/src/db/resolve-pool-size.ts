import pg from 'pg';

/** A managed PostgreSQL is shared by every api process: a few connections each is plenty. */
export const DEFAULT_POOL_MAX = 8;

/**
 * How many connections the api's pool may open. An explicit DATABASE_POOL_MAX wins.
 * Otherwise the server is asked who it is: the embedded database (PGlite served by
 * pglite-socket) answers `version()` with "PGlite", and gets exactly one connection, because
 * pglite-socket interleaves concurrent connections' extended-protocol messages onto PGlite's
 * single session (electric-sql/pglite#1046: wrong rows, "bind message supplies N parameters").
 * PGlite runs one statement at a time anyway, so one connection costs no throughput.
 */
export async function resolvePoolSize(options: {
  databaseUrl: string;
  configured: number | undefined;
}): Promise<{ max: number; embedded: boolean | undefined }> {
  if (options.configured !== undefined) return { max: options.configured, embedded: undefined };
  const embedded = await isEmbeddedDatabase(options.databaseUrl);
  return { max: embedded ? 1 : DEFAULT_POOL_MAX, embedded };
}

export async function isEmbeddedDatabase(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
    return /PGlite/i.test(rows[0]?.version ?? '');
  } finally {
    await client.end();
  }
}
