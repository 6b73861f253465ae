/**
 * End-to-end lag from an answer to its count on chain, at a steady answer rate.
 * Real parts: a gateway process (offline answerer) signs each answer, the relayer (in this
 * process) relays to the devnet (real usage wasm) with the embedded PostgreSQL in its own
 * process. Lag = time the chain's last sequence covers an attestation − time its answer ended.
 * Goal (issue 5): p95 within two batch intervals at 50 answers/s.
 *
 *   npx tsx scripts/bench/relayer-lag.ts [--rate 50] [--seconds 30] [--batch-age 2] [--batch-size 100]
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gatewayAuthHeaders } from '@privexbot/schema/attestation';
import pg from 'pg';
import { pino } from 'pino';
import { nativeFetch } from '../../relayer/src/native-fetch.js';
import { startRelayer } from '../../relayer/src/start-relayer.js';
import { spawnEmbeddedDatabase } from '../db/spawn-embedded-database.js';
import { startDevnet } from '../devnet/index.js';
import { repoRoot } from '../lib/paths.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '30' },
    'batch-age': { type: 'string', default: '2' },
    'batch-size': { type: 'string', default: '100' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const batchAgeMs = Number(values['batch-age']) * 1000;
const batchSize = Number(values['batch-size']);
const FEED_TOKEN = 'bench-feed-token-0123456789';
const PLATFORM_SECRET = 'bench-platform-secret-0123456789';

// Loaded after native-fetch.ts kept Node's fetch (secretjs replaces it on import).
const { connectDevnet, devOnlyAccount, mnemonicSigner } = await import('@privexbot/schema/chain');
const temp = mkdtempSync(join(tmpdir(), 'privexbot-lag-'));
const devnet = await startDevnet({ port: 0 });
const usage = devnet.contracts.usage?.address;
if (!usage)
  throw new Error('the devnet has no usage contract: run npx tsx scripts/contracts/build-contracts.ts');
const db = await spawnEmbeddedDatabase({ port: 0, maxConnections: 8 });
const port = await freePort();
const gatewayUrl = `http://127.0.0.1:${port}`;
const gateway: ChildProcess = spawn(
  process.execPath,
  ['--import', 'tsx', join(repoRoot, 'api/src/gateway/main.ts')],
  {
    env: {
      ...process.env,
      GATEWAY_PORT: String(port),
      GATEWAY_DATA_DIR: join(temp, 'gateway'),
      GATEWAY_PLATFORM_SECRET: PLATFORM_SECRET,
      GATEWAY_FEED_TOKEN: FEED_TOKEN,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: repoRoot,
  },
);
let signer = '';
for (let i = 0; !signer; i++) {
  try {
    signer = ((await (await nativeFetch(`${gatewayUrl}/attestation`)).json()) as { signer: string }).signer;
  } catch {
    if (i > 300) throw new Error('the gateway did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const operator = await connectDevnet({
  url: devnet.url,
  signer: await mnemonicSigner(devOnlyAccount('operator').mnemonic),
});
await operator.execute(usage, {
  register_signer: {
    pubkey: Buffer.from(signer, 'hex').toString('base64'),
    attestation_hash: Buffer.alloc(32, 1).toString('base64'),
    mode: 'dev',
  },
});
const chain = await connectDevnet({
  url: devnet.url,
  signer: await mnemonicSigner(devOnlyAccount('relayer').mnemonic),
});
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
const relayer = await startRelayer({
  relayerId: 'bench',
  gateways: [{ url: gatewayUrl, token: FEED_TOKEN }],
  chain,
  usageContract: usage,
  pool,
  batchSize,
  batchAgeMs,
  pollIntervalMs: 100,
  reconcileIntervalMs: 60_000,
  leaseTtlMs: 15_000,
  logger: pino({ level: 'warn' }),
});

const answeredAt = new Map<number, number>();
const lags: number[] = [];
let counted = 0;
let sent = 0;
let failed = 0;
const observer = setInterval(async () => {
  const { last_seq } = await chain.query<{ last_seq: string }>(usage, {
    last_seq: { signer: Buffer.from(signer, 'hex').toString('base64') },
  });
  const now = performance.now();
  for (let seq = counted + 1; seq <= Number(last_seq); seq++) {
    const at = answeredAt.get(seq);
    if (at !== undefined) lags.push(now - at);
    answeredAt.delete(seq);
  }
  counted = Math.max(counted, Number(last_seq));
}, 25);

async function answer(i: number): Promise<void> {
  const body = JSON.stringify({
    org: '1',
    bot: '123e4567-e89b-12d3-a456-426614174000',
    model: 'bench-model',
    messages: [{ role: 'user', content: `question ${i}` }],
    passages: [{ text: `passage ${i}` }],
  });
  const res = await nativeFetch(`${gatewayUrl}/v1/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...gatewayAuthHeaders(PLATFORM_SECRET, body) },
    body,
  });
  const text = await res.text();
  const done = /event: done\ndata: (.*)\n/.exec(text);
  if (!done?.[1]) {
    failed++;
    return;
  }
  const seq = Number((JSON.parse(done[1]) as { attestation: { seq: string } }).attestation.seq);
  answeredAt.set(seq, performance.now());
}

console.log(
  `producing ${rate} answers/s for ${seconds} s; batches of <= ${batchSize} or ${batchAgeMs / 1000} s old`,
);
const inflight: Promise<void>[] = [];
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  const due = start + (sent * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  inflight.push(answer(sent++));
}
await Promise.all(inflight);
const produced = sent - failed;
const deadline = performance.now() + 60_000;
while (counted < produced && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
clearInterval(observer);

lags.sort((a, b) => a - b);
const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? Number.NaN;
console.log(
  `answers: ${sent} sent, ${failed} failed, ${counted} counted on chain, ${lags.length} lags measured`,
);
console.log(
  `lag answer → counted on chain: p50 ${(pct(50) / 1000).toFixed(2)} s, p95 ${(pct(95) / 1000).toFixed(2)} s, max ${((lags.at(-1) ?? 0) / 1000).toFixed(2)} s ` +
    `(goal p95 <= ${(2 * batchAgeMs) / 1000} s = two batch intervals); load average ${loadavg()[0]?.toFixed(1)}`,
);

await relayer.stop();
await pool.end();
gateway.kill('SIGTERM');
await db.close();
await devnet.close();
rmSync(temp, { recursive: true, force: true });
process.exit(0);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
}
