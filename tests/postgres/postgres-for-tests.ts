/**
 * The PostgreSQL server these tests run on: the one `npm test` started (its superuser URL in
 * PRIVEXBOT_TEST_POSTGRES_URL), or, when a test file runs on its own, a private throwaway
 * server. A test that stops or restarts the server always takes a private one, so it never
 * pulls the database from under other test files.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPostgresUrl } from '../../scripts/db/spawn-test-database.js';
import { type PostgresServer, startPostgresServer } from '../../scripts/db/start-postgres-server.js';

export interface ServerForTests {
  url: string;
  close(): Promise<void>;
}

export async function postgresForTests(): Promise<ServerForTests> {
  const shared = testPostgresUrl();
  if (shared) return { url: shared, close: async () => {} };
  const server = await privatePostgresServer();
  return { url: server.url, close: () => server.close() };
}

export async function privatePostgresServer(): Promise<PostgresServer & { close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'privexbot-pg-test-'));
  // The server's own user (when the tests run as root) must reach the cluster inside it.
  chmodSync(dir, 0o755);
  const server = await startPostgresServer({
    dataDir: join(dir, 'cluster'),
    port: 0,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  return Object.assign(server, {
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
