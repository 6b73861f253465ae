/**
 * CLI: serve the embedded database until SIGINT/SIGTERM.
 *
 *   npx tsx scripts/db/serve-embedded-database.ts --data-dir .data/db --port 54329
 *
 * With --exit-with-parent it also stops when its stdin closes (the parent died).
 * Prints one JSON line `{"event":"ready","url":"postgresql://..."}` on stdout when it
 * accepts connections (spawn-embedded-database.ts waits for it), and
 * `{"event":"stopped"}` after a clean shutdown.
 */
import { parseArgs } from 'node:util';
import { startEmbeddedDatabase } from './start-embedded-database.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '54329' },
    host: { type: 'string', default: '127.0.0.1' },
    'max-connections': { type: 'string', default: '16' },
    memory: { type: 'boolean', default: false },
    'shared-buffers': { type: 'string' },
    'work-mem': { type: 'string' },
    'exit-with-parent': { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
const maxConnections = Number(values['max-connections']);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be 0..65535, got "${values.port}"`);
if (!Number.isInteger(maxConnections) || maxConnections < 1)
  fail('--max-connections must be a positive integer');
if (!values.memory && !values['data-dir'])
  fail('give --data-dir <dir> (or --memory for a throwaway database)');

const database = await startEmbeddedDatabase({
  ...(values.memory ? {} : { dataDir: values['data-dir'] }),
  port,
  host: values.host,
  maxConnections,
  ...(values['shared-buffers'] ? { sharedBuffers: values['shared-buffers'] } : {}),
  ...(values['work-mem'] ? { workMem: values['work-mem'] } : {}),
}).catch((error: unknown) => fail(`cannot start: ${(error as Error).message}`));
console.log(JSON.stringify({ event: 'ready', url: database.url }));

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  // Closing PGlite flushes its files: a killed process could lose the last writes.
  database.close().then(
    () => {
      console.log(JSON.stringify({ event: 'stopped' }));
      process.exit(0);
    },
    (error: unknown) => fail(`error while stopping: ${(error as Error).message}`),
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Started by spawn-embedded-database.ts: stdin is a pipe from the parent, which closes when
// the parent dies however it dies, so the database never outlives the process using it.
if (values['exit-with-parent']) {
  process.stdin.on('close', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

function fail(message: string): never {
  console.error(`embedded database: ${message}`);
  process.exit(1);
}
