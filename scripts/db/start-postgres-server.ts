import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { installPostgresServer, installReachableBy } from './install-postgres-server.js';

export interface PostgresServerOptions {
  /** The cluster's directory; created with initdb when it holds none. */
  dataDir: string;
  /** TCP port; 0 picks a free one (read it back from `url`). */
  port: number;
  host?: string;
  /** Extra `postgres -c` settings, e.g. { max_connections: '200' }. */
  settings?: Record<string, string>;
}

export interface PostgresServer {
  /** postgresql:// URL of the `postgres` database as the `postgres` superuser. */
  url: string;
  port: number;
  dataDir: string;
  /** The postmaster's pid. */
  pid(): number;
  /** pg_ctl stop -m fast: sessions are ended, the cluster is shut down cleanly. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data (after stop, or to recover from a crash). */
  start(): Promise<void>;
  /** A URL of another database on this server. */
  urlOf(database: string): string;
}

/** User the server runs as when this process is root (initdb and postgres refuse root). */
const SERVICE_USER = process.env.PRIVEXBOT_PG_USER ?? 'postgres';

/**
 * A real PostgreSQL 18 server with pgvector (from the pinned wheel, installPostgresServer),
 * managed with initdb and pg_ctl. As root it runs as an unprivileged user, created when
 * missing. It listens on 127.0.0.1 only, with no Unix socket (so two clusters never collide
 * on one), and trusts local TCP connections: it is a development and test server.
 *
 * pg_ctl detaches the postmaster; an exit hook of this process stops it, so a test run or
 * `npm start` that ends (normally or by signal) does not leave a server behind.
 */
export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServer> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  const asUser = process.getuid?.() === 0 ? ensureServiceUser() : undefined;
  const run = (file: string, args: string[]) => runAs(asUser, file, args);
  let install = installPostgresServer();
  if (asUser) install = installReachableBy(install, (file) => canExecuteAs(asUser, file));
  const bin = (name: string) => join(install.binDir, name);

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (asUser) {
    chownSync(dataDir, asUser.uid, asUser.gid);
    if (spawnSync('runuser', ['-u', asUser.name, '--', 'test', '-w', dataDir]).status !== 0)
      throw new Error(
        `the database user ${asUser.name} cannot reach ${dataDir} (a parent folder is private): ` +
          'move the data folder (PRIVEXBOT_DATA_DIR) or run as a non-root user',
      );
  }
  if (!existsSync(join(dataDir, 'PG_VERSION')))
    run(bin('initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '-N',
    ]);

  const port = options.port === 0 ? await freePort(host) : options.port;
  const settings: Record<string, string> = {
    listen_addresses: host,
    port: String(port),
    unix_socket_directories: "''",
    max_connections: '200',
    ...options.settings,
  };
  const postgresArgs = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  const logFile = join(dataDir, 'server.log');

  const start = async () => {
    run(bin('pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', postgresArgs, '-w', '-t', '60', 'start']);
    stopOnExit.add(stopSync);
  };
  const stopSync = () => {
    if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
    try {
      run(bin('pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
    } catch (error) {
      throw new Error(`pg_ctl stop failed: ${(error as Error).message}\n${tail(logFile)}`);
    }
  };

  try {
    await start();
  } catch (error) {
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${tail(logFile)}`);
  }
  const urlOf = (database: string) => `postgresql://postgres@${host}:${port}/${database}?sslmode=disable`;
  const url = urlOf('postgres');
  // A bare server is immediately usable for vector work; the api's migrations create it too.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  } finally {
    await client.end();
  }
  return {
    url,
    port,
    dataDir,
    urlOf,
    pid() {
      const pidFile = join(dataDir, 'postmaster.pid');
      return existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : -1;
    },
    async stop() {
      stopSync();
      stopOnExit.delete(stopSync);
    },
    start,
  };
}

interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

function ensureServiceUser(): ServiceUser {
  const lookup = () => spawnSync('id', ['-u', SERVICE_USER], { encoding: 'utf8' });
  if (lookup().status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVICE_USER], {
      stdio: 'inherit',
    });
  }
  const uid = Number(lookup().stdout.trim());
  const gid = Number(execFileSync('id', ['-g', SERVICE_USER], { encoding: 'utf8' }).trim());
  return { name: SERVICE_USER, uid, gid };
}

function runAs(user: ServiceUser | undefined, file: string, args: string[]): void {
  const [cmd, argv] = user ? ['runuser', ['-u', user.name, '--', file, ...args]] : [file, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', cwd: '/' });
  if (result.status !== 0)
    throw new Error(
      `${file.split('/').pop()} ${args.at(-1)} exited ${result.status}: ${(result.stderr || result.stdout).trim()}`,
    );
}

function canExecuteAs(user: ServiceUser, file: string): boolean {
  return spawnSync('runuser', ['-u', user.name, '--', 'test', '-x', file]).status === 0;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const stopOnExit = new Set<() => void>();
process.once('exit', () => {
  for (const stop of stopOnExit) {
    try {
      stop();
    } catch {
      // exiting anyway; the log file says why
    }
  }
});
