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

/**
 * The process's one Prisma client, over node-postgres. `maxConnections` comes from
 * resolvePoolSize (main.ts): 1 on the embedded database, whose socket server corrupts
 * concurrent connections' queries; a few on a managed PostgreSQL shared by every api process.
 */
export function createPrismaClient(options: { databaseUrl: string; maxConnections?: number }): Database {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.maxConnections ?? DEFAULT_POOL_MAX,
    // Fail fast instead of hanging a request when the database is gone.
    connectionTimeoutMillis: 10_000,
    // Awaited by the pool before it hands the connection out. (The startup packet's
    // `options` would be lighter, but PGlite ignores them.)
    onConnect: async (client: pg.ClientBase) => {
      await client.query(sessionSettings);
    },
  });
  return new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    // With one connection (the embedded database) a transaction waits for every statement
    // queued before it: give it time to start rather than failing under a burst of requests.
    transactionOptions: { maxWait: 15_000, timeout: 10_000 },
  });
}
