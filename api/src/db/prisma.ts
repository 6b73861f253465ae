import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { DEFAULT_POOL_MAX } from './resolve-pool-size.js';

export { Prisma } from '../generated/prisma/client.js';
export type Database = PrismaClient;

/**
 * Session settings of every connection, for retrieval (pgvector 0.8):
 *  - `hnsw.iterative_scan = relaxed_order`: with the bot filter applied after the index scan,
 *    the index keeps scanning until enough rows of this bot are found, instead of returning
 *    the global nearest neighbours and filtering most of them away;
 *  - `hnsw.ef_search = 40`: the candidate list per scan; retrieval asks for 20 neighbours, and
 *    40 keeps recall near exact search at a fraction of a millisecond per query.
 */
const sessionSettings = 'SET hnsw.iterative_scan = relaxed_order; SET hnsw.ef_search = 40';

/** Past this many distinct statements (shapes with a varying number of values), the rest go unnamed. */
const MAX_NAMED_STATEMENTS = 500;

/**
 * The process's one Prisma client, over node-postgres. `maxConnections` comes from
 * resolvePoolSize (main.ts): 1 on the embedded database, whose socket server corrupts
 * concurrent connections' queries; a few on a managed PostgreSQL shared by every api process.
 *
 * With `namedStatements` (the default with one connection), every statement is sent as a
 * named prepared statement, so a connection parses and plans it once and PostgreSQL reuses a
 * generic plan when that is no costlier than a fresh one. Prisma sends unnamed statements
 * otherwise, planned on every call: on PGlite that is 2–3 ms of the ~15 ms hybrid retrieval.
 * Names carry a prefix of this client's own, because every connection to the embedded
 * database shares PGlite's one session: two clients (the api and a script, a test and its
 * server) must never prepare the same name, and a reconnecting client first drops what it
 * left in that session. Leave it off for several connections to PGlite (they would share
 * the names in one session).
 */
export function createPrismaClient(options: {
  databaseUrl: string;
  maxConnections?: number;
  namedStatements?: boolean;
}): Database {
  const maxConnections = options.maxConnections ?? DEFAULT_POOL_MAX;
  const named = options.namedStatements ?? maxConnections === 1;
  const prefix = `pxb${randomBytes(4).toString('hex')}_`;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: maxConnections,
    // Fail fast instead of hanging a request when the database is gone.
    connectionTimeoutMillis: 10_000,
    // Awaited by the pool before it hands the connection out. (The startup packet's
    // `options` would be lighter, but PGlite ignores them.)
    onConnect: async (client: pg.ClientBase) => {
      await client.query(sessionSettings);
      if (named) await deallocateLeftovers(client, prefix);
    },
  });
  const names = new Map<string, string>();
  return new PrismaClient({
    adapter: new PrismaPg(pool, {
      disposeExternalPool: true,
      ...(named
        ? {
            statementNameGenerator: ({ sql }) => {
              let name = names.get(sql);
              if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
                name = `${prefix}${names.size}`;
                names.set(sql, name);
              }
              // undefined (past the cap): node-postgres sends the statement unnamed.
              return name as string;
            },
          }
        : {}),
    }),
    // With one connection (the embedded database) a transaction waits for every statement
    // queued before it: give it time to start rather than failing under a burst of requests.
    transactionOptions: { maxWait: 15_000, timeout: 10_000 },
  });
}

/**
 * A new connection to the embedded database joins the session its predecessor left, with
 * that connection's prepared statements still in it; node-postgres knows only what it
 * prepared itself and would fail preparing them again. (A new PostgreSQL session has none.)
 */
async function deallocateLeftovers(client: pg.ClientBase, prefix: string): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT name FROM pg_prepared_statements WHERE starts_with(name, $1)',
    [prefix],
  );
  for (const { name } of rows) await client.query(`DEALLOCATE ${pg.escapeIdentifier(name)}`);
}
