import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export { Prisma } from '../generated/prisma/client.js';
export type Database = PrismaClient;

/**
 * The process's one Prisma client, over node-postgres. `maxConnections` stays small: the
 * embedded database runs one transaction at a time anyway, and a managed PostgreSQL is
 * shared by every api process.
 */
export function createPrismaClient(options: { databaseUrl: string; maxConnections?: number }): Database {
  const adapter = new PrismaPg({
    connectionString: options.databaseUrl,
    max: options.maxConnections ?? 8,
    // Fail fast instead of hanging a request when the database is gone.
    connectionTimeoutMillis: 10_000,
  });
  return new PrismaClient({ adapter });
}
