import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEmbeddedDatabase } from './spawn-embedded-database.js';
import { startEmbeddedDatabase } from './start-embedded-database.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'privexbot-db-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

describe('embedded database', () => {
  it('serves pgvector over the wire protocol to several connections, and keeps data in its directory', async () => {
    const database = await startEmbeddedDatabase({ dataDir, port: 0 });
    try {
      await withClient(database.url, async (client) => {
        await client.query('CREATE TABLE notes (id int PRIMARY KEY, body text, embedding vector(3))');
        await client.query("INSERT INTO notes VALUES (1, 'kept', '[1,0,0]'), (2, 'other', '[0,1,0]')");
      });
      // A transaction on one connection is invisible to the others until it commits, and
      // the others wait instead of failing (the server runs one transaction at a time).
      const writer = new pg.Client({ connectionString: database.url });
      await writer.connect();
      await writer.query('BEGIN');
      await writer.query("INSERT INTO notes VALUES (3, 'pending', '[0,0,1]')");
      const readerCount = withClient(database.url, (client) =>
        client.query('SELECT count(*)::int AS n FROM notes'),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await writer.query('COMMIT');
      await writer.end();
      expect((await readerCount).rows[0].n).toBe(3);
    } finally {
      await database.close();
    }

    // Same directory, now served by the CLI in its own process (as `npm start` runs it).
    const served = await spawnEmbeddedDatabase({ dataDir, port: 0 });
    try {
      const nearest = await withClient(served.url, (client) =>
        client.query("SELECT body FROM notes ORDER BY embedding <=> '[0.9,0.1,0]' LIMIT 1"),
      );
      expect(nearest.rows[0].body).toBe('kept');
      expect(served.pid).toBeGreaterThan(0);
      // Large enough to keep a 100k-chunk bot's indexes in memory (start-embedded-database.ts).
      const buffers = await withClient(served.url, (client) => client.query('SHOW shared_buffers'));
      expect(buffers.rows[0].shared_buffers).toBe('512MB');
    } finally {
      await served.close();
    }
    await expect(withClient(served.url, (client) => client.query('SELECT 1'))).rejects.toThrow();
  });

  it('stops when the process that started it goes away (its stdin closes)', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const script = fileURLToPath(new URL('./serve-embedded-database.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', tsx, script, '--memory', '--port', '0', '--exit-with-parent'],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    while (!output.includes('"ready"')) {
      if (child.exitCode !== null) throw new Error(`exited early: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.stdin.end(); // what the OS does when the parent dies
    expect(await exited).toBe(0);
    expect(output).toContain('"stopped"');
  });

  it('reports a clear error when the port is taken', async () => {
    const occupant = createServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = occupant.address() as AddressInfo;
      await expect(spawnEmbeddedDatabase({ port })).rejects.toThrow(
        `port ${port} on 127.0.0.1 is not available (EADDRINUSE)`,
      );
    } finally {
      occupant.close();
    }
  });
});
