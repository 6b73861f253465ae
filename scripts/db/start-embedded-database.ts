import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabaseOptions {
  /** Directory holding the database files; omitted = in memory (tests). */
  dataDir?: string;
  /** TCP port; 0 picks a free one (read it back from `url`). */
  port: number;
  host?: string;
  /**
   * Concurrent client connections. PGlite has a single session: the socket server queues
   * statements and runs one transaction at a time, so more connections only help clients
   * that pool (the api's pg pool), they never run queries in parallel.
   */
  maxConnections?: number;
  /** PostgreSQL's shared_buffers, e.g. '512MB' (the default). */
  sharedBuffers?: string;
  /** PostgreSQL's work_mem, e.g. '4MB' (PostgreSQL's default). */
  workMem?: string;
}

export interface EmbeddedDatabase {
  /** postgresql:// URL for `pg`, `psql` or Prisma's adapter-pg. */
  url: string;
  close(): Promise<void>;
}

/**
 * PostgreSQL 18 with pgvector in-process (PGlite), served over the Postgres wire protocol so
 * the api uses the same DATABASE_URL code path as with a real server.
 *
 * PGlite runs queries synchronously on this process's event loop: host it in a process of
 * its own (serve-embedded-database.ts, spawn-embedded-database.ts) whenever anything
 * latency-sensitive shares the machine. In-process use is for tests.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const host = options.host ?? '127.0.0.1';
  // Opening a cluster takes seconds: find out first whether the port is free.
  if (options.port !== 0) await assertPortFree(host, options.port);
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    // PostgreSQL's default (128 MB) holds a bot of ~30k chunks; past that, every retrieval
    // re-reads HNSW pages through PGlite's file system (100k chunks: 37 ms p50 at 128 MB, 23 ms
    // at 512 MB). Pages are committed as they are used, so a small database costs no more.
    postgresqlconf: [
      `shared_buffers = ${options.sharedBuffers ?? '512MB'}`,
      ...(options.workMem ? [`work_mem = ${options.workMem}`] : []),
    ],
    // What the api's migrations create: pgvector, and btree_gin for the per-bot text index.
    extensions: { vector, btree_gin },
  });
  // The migrations create the extension too; creating it here makes a bare database
  // immediately usable for vector work (scripts, psql sessions).
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
  const server = new PGLiteSocketServer({
    db,
    host,
    port: options.port,
    maxConnections: options.maxConnections ?? 16,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').pop());
  let closing: Promise<void> | undefined;
  return {
    // PGlite ignores user, password and database name; these are the conventional defaults.
    url: `postgresql://postgres:postgres@${host}:${port}/postgres?sslmode=disable`,
    close() {
      closing ??= (async () => {
        await server.stop();
        await db.close();
      })();
      return closing;
    },
  };
}

function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`port ${port} on ${host} is not available (${error.code ?? error.message})`)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
