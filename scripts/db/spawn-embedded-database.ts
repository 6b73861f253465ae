import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EmbeddedDatabase, EmbeddedDatabaseOptions } from './start-embedded-database.js';

const serveScript = fileURLToPath(new URL('./serve-embedded-database.ts', import.meta.url));
// tsx's ESM loader, so the child runs the TypeScript CLI directly (no build step).
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Starts the embedded database in a child process and resolves once it accepts connections.
 * PGlite executes queries synchronously, so hosting it in the api's own process would stall
 * every request (and every SSE stream) while a query runs; a separate process keeps the api's
 * event loop free, and a crash of one does not take the other down.
 */
export async function spawnEmbeddedDatabase(
  options: EmbeddedDatabaseOptions & { startTimeoutMs?: number },
): Promise<EmbeddedDatabase & { pid: number }> {
  const args = ['--import', tsxLoader, serveScript, '--port', String(options.port), '--exit-with-parent'];
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  else args.push('--memory');
  if (options.host) args.push('--host', options.host);
  if (options.maxConnections) args.push('--max-connections', String(options.maxConnections));
  if (options.sharedBuffers) args.push('--shared-buffers', options.sharedBuffers);
  if (options.workMem) args.push('--work-mem', options.workMem);

  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const events: Array<{ event: string; url?: string }> = [];
  const waiters: Array<() => void> = [];
  lines.on('line', (line) => {
    try {
      events.push(JSON.parse(line));
    } catch {
      return; // not one of our status lines
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = await Promise.race([
    new Promise<{ url: string }>((resolve) => {
      const check = () => {
        const found = events.find((e) => e.event === 'ready');
        if (found?.url) resolve({ url: found.url });
        else waiters.push(check);
      };
      check();
    }),
    exited.then((code) => {
      throw new Error(`embedded database exited (code ${code}) before it was ready: ${stderr.trim()}`);
    }),
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error('embedded database did not start in time')),
        options.startTimeoutMs ?? 60_000,
      ).unref(),
    ),
  ]).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  let closing: Promise<void> | undefined;
  return {
    url: ready.url,
    pid: child.pid ?? -1,
    close() {
      closing ??= (async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        const code = await exited;
        if (code !== 0 && code !== null)
          throw new Error(`embedded database stopped with code ${code}: ${stderr}`);
      })();
      return closing;
    },
  };
}
