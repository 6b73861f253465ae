import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDatabase, type TestDatabase } from '../testing/start-test-database.js';
import { createPrismaClient, type Database } from './prisma.js';

let database: TestDatabase;
beforeAll(async () => {
  // These tests are about PGlite's one shared session, so always the embedded database.
  database = await startTestDatabase({ embedded: true });
});
afterAll(() => database?.close());

async function preparedCount(db: Database): Promise<number> {
  const [row] = await db.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM pg_prepared_statements WHERE statement LIKE '%"public"."Org"%'`;
  return row?.count ?? 0;
}

describe('named statements on the embedded database (one session shared by every connection)', () => {
  it('lets two clients prepare the same statement without clashing', async () => {
    const clients = [1, 2].map(() => createPrismaClient({ databaseUrl: database.url, maxConnections: 1 }));
    try {
      for (const client of clients) expect(await client.org.count()).toBe(0);
      for (const client of clients) expect(await client.org.count()).toBe(0);
      // Each client prepared its own copy, under its own name.
      expect(await preparedCount(database.prisma)).toBeGreaterThanOrEqual(2);
    } finally {
      for (const client of clients) await client.$disconnect();
    }
  });

  it('prepares its statements again after its connection dropped', async () => {
    // A proxy whose connections can be cut, as a restarted network path or an idle timeout would.
    const upstream = new URL(database.url);
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((socket) => {
      const target = connect(Number(upstream.port), upstream.hostname);
      sockets.add(socket).add(target);
      socket.pipe(target).pipe(socket);
      const close = () => {
        socket.destroy();
        target.destroy();
      };
      socket.on('error', close).on('close', close);
      target.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = new URL(database.url);
    proxied.port = String((proxy.address() as AddressInfo).port);
    const client = createPrismaClient({ databaseUrl: proxied.toString(), maxConnections: 1 });
    try {
      await client.org.create({ data: { id: '7', name: 'Before', owner: 'secret1a', syncedAt: new Date() } });
      expect(await client.org.count()).toBe(1);
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      // The pool notices the closed connection and opens another into the same PGlite session,
      // where the statements it prepared before are still defined.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await client.org.count()).toBe(1);
      await client.org.delete({ where: { id: '7' } });
    } finally {
      await client.$disconnect();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
