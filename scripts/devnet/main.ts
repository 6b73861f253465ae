/**
 * CLI: `npx tsx scripts/devnet/main.ts [--data-dir .data/devnet] [--port 26680] [--host 127.0.0.1]`.
 * Stops cleanly on Ctrl-C (SIGINT) or SIGTERM; state stays in the data directory.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DEVNET_PORT, startDevnet } from './index.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '.data/devnet' },
    port: { type: 'string', default: String(DEFAULT_DEVNET_PORT) },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}

const devnet = await startDevnet({
  dataDir: values['data-dir'],
  port,
  host: values.host,
  log: (line) => console.log(`[devnet] ${line}`),
}).catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  console.error(
    code === 'EADDRINUSE'
      ? `[devnet] port ${port} is in use: stop the other devnet or pass --port`
      : `[devnet] could not start: ${(error as Error).message}`,
  );
  process.exit(1);
});
console.log(`[devnet] contracts: ${JSON.stringify(devnet.contracts)}`);
console.log('[devnet] DEV-ONLY accounts (public mnemonics, worthless anywhere else):');
for (const account of devnet.accounts) console.log(`[devnet]   ${account.role.padEnd(8)} ${account.address}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`[devnet] ${signal}: saving state and stopping`);
    devnet.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[devnet] failed to stop cleanly', error);
        process.exit(1);
      },
    );
  });
}
