/**
 * CLI: start a throwaway PostgreSQL server (temp data folder, free port), run a command with
 * PRIVEXBOT_TEST_POSTGRES_URL pointing at it, stop the server, exit with the command's code.
 *
 *   npx tsx scripts/db/run-with-postgres-server.ts -- npx vitest run --project api
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_POSTGRES_URL_ENV } from './spawn-test-database.js';
import { startPostgresServer } from './start-postgres-server.js';

const separator = process.argv.indexOf('--');
const command = separator >= 0 ? process.argv.slice(separator + 1) : process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: run-with-postgres-server.ts -- <command> [args...]');
  process.exit(2);
}
const code = await runWithPostgresServer(command);
process.exit(code);

export async function runWithPostgresServer(argv: string[]): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'privexbot-pg-'));
  // The server's own user (when this runs as root) must reach the cluster inside it.
  chmodSync(dataDir, 0o755);
  const server = await startPostgresServer({
    dataDir: join(dataDir, 'cluster'),
    port: 0,
    // Throwaway clusters: durability buys nothing and costs the tests' time.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  console.log(`PostgreSQL server for the tests at ${server.url}`);
  try {
    const [cmd, ...args] = argv;
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(cmd as string, args, {
        stdio: 'inherit',
        env: { ...process.env, [TEST_POSTGRES_URL_ENV]: server.url },
      });
      child.on('error', reject);
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
