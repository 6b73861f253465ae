/**
 * End-to-end lag from an answer to its count on chain, at a steady answer rate.
 * Every part is its own process, as in production: the devnet (real usage wasm), the inference
 * gateway (offline answerer; signs each answer), the relayer (`relayer/src/main.ts`, configured
 * from the environment) and the embedded PostgreSQL. This process only asks questions and
 * watches the chain. Lag = time the chain's last sequence covers an attestation − time its
 * answer ended. Goal (issue 5): p95 within two batch intervals at 50 answers/s.
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
import { nativeFetch } from '@privexbot/schema/fetch';
import { spawnEmbeddedDatabase } from '../db/spawn-embedded-database.js';
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

// Loaded after @privexbot/schema/fetch kept Node's fetch (secretjs replaces it on import).
const { connectDevnet, devOnlyAccount, mnemonicSigner } = await import('@privexbot/schema/chain');
const temp = mkdtempSync(join(tmpdir(), 'privexbot-lag-'));
const children: ChildProcess[] = [];
function child(script: string, args: string[], env: Record<string, string>): ChildProcess {
  const process_ = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: repoRoot,
  });
  children.push(process_);
  return process_;
}
async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start`);
}

const devnetUrl = `http://127.0.0.1:${await freePort()}`;
child('scripts/devnet/main.ts', ['--port', new URL(devnetUrl).port, '--data-dir', join(temp, 'devnet')], {});
const usage = await waitUntil('the devnet', async () => {
  const devnet = await connectDevnet({ url: devnetUrl, fetch: nativeFetch });
  return (await devnet.status()).contracts.usage?.address;
});
const chain = await connectDevnet({ url: devnetUrl, fetch: nativeFetch });
const db = await spawnEmbeddedDatabase({ port: 0, maxConnections: 8 });
const gatewayUrl = `http://127.0.0.1:${await freePort()}`;
child('api/src/gateway/main.ts', [], {
  GATEWAY_PORT: new URL(gatewayUrl).port,
  GATEWAY_DATA_DIR: join(temp, 'gateway'),
  GATEWAY_PLATFORM_SECRET: PLATFORM_SECRET,
  GATEWAY_FEED_TOKEN: FEED_TOKEN,
  LOG_LEVEL: 'warn',
});
const signer = await waitUntil('the gateway', async () => {
  return ((await (await nativeFetch(`${gatewayUrl}/attestation`)).json()) as { signer: string }).signer;
});
const signerBase64 = Buffer.from(signer, 'hex').toString('base64');
const operator = await connectDevnet({
  url: devnetUrl,
  signer: await mnemonicSigner(devOnlyAccount('operator').mnemonic),
  fetch: nativeFetch,
});
await operator.execute(usage, {
  register_signer: {
    pubkey: signerBase64,
    attestation_hash: Buffer.alloc(32, 1).toString('base64'),
    mode: 'dev',
  },
});
const relayerPort = await freePort();
child('relayer/src/main.ts', [], {
  RELAYER_GATEWAYS: JSON.stringify([{ url: gatewayUrl, token: FEED_TOKEN }]),
  RELAYER_CHAIN_ADAPTER: 'devnet',
  RELAYER_CHAIN_URL: devnetUrl,
  USAGE_CONTRACT: usage,
  RELAYER_MNEMONIC: devOnlyAccount('relayer').mnemonic,
  DATABASE_URL: db.url,
  RELAYER_BATCH_SIZE: String(batchSize),
  RELAYER_BATCH_AGE_SECONDS: String(batchAgeMs / 1000),
  RELAYER_POLL_INTERVAL_MS: '100',
  RELAYER_PORT: String(relayerPort),
  RELAYER_LOG_LEVEL: 'warn',
});
await waitUntil('the relayer', async () => {
  const health = (await (await nativeFetch(`http://127.0.0.1:${relayerPort}/healthz`)).json()) as {
    signers: { state: string }[];
  };
  return health.signers[0]?.state === 'relaying' ? true : undefined;
});

const answeredAt = new Map<number, number>();
const lags: number[] = [];
let counted = 0;
let sent = 0;
let failed = 0;
const failures = new Map<string, number>();
// One query at a time, 25 ms apart: an interval timer would stack queries up whenever the chain
// answers slower than 25 ms, and the bench would then measure its own load.
let observing = true;
async function observe(): Promise<void> {
  while (observing) {
    const { last_seq } = await chain.query<{ last_seq: string }>(usage as string, {
      last_seq: { signer: signerBase64 },
    });
    const now = performance.now();
    for (let seq = counted + 1; seq <= Number(last_seq); seq++) {
      const at = answeredAt.get(seq);
      if (at !== undefined) lags.push(now - at);
      answeredAt.delete(seq);
    }
    counted = Math.max(counted, Number(last_seq));
    await new Promise((r) => setTimeout(r, 25));
  }
}
const observer = observe();

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
  `producing ${rate} answers/s for ${seconds} s; batches of <= ${batchSize} or ${batchAgeMs / 1000} s old; ` +
    'devnet, gateway, relayer (main.ts) and database each in their own process',
);
const inflight: Promise<void>[] = [];
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  const due = start + (sent * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  inflight.push(
    answer(sent++).catch((error: unknown) => {
      failed++;
      failures.set(String(error), (failures.get(String(error)) ?? 0) + 1);
    }),
  );
}
await Promise.all(inflight);
const produced = sent - failed;
const deadline = performance.now() + 60_000;
while (counted < produced && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
observing = false;
await observer;

lags.sort((a, b) => a - b);
const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? Number.NaN;
const { total } = await chain.query<{ total: number }>(usage, { batches: { start: 0, limit: 1 } });
console.log(
  `answers: ${sent} sent, ${failed} failed, ${counted} counted on chain in ${total} batches ` +
    `(${(counted / Math.max(1, Number(total))).toFixed(0)} each on average), ${lags.length} lags measured`,
);
console.log(
  `lag answer → counted on chain: p50 ${(pct(50) / 1000).toFixed(2)} s, p95 ${(pct(95) / 1000).toFixed(2)} s, max ${((lags.at(-1) ?? 0) / 1000).toFixed(2)} s ` +
    `(goal p95 <= ${(2 * batchAgeMs) / 1000} s = two batch intervals); load average ${loadavg()[0]?.toFixed(1)}`,
);
if (failures.size > 0) console.log('answer failures:', Object.fromEntries(failures));

for (const process_ of children) process_.kill('SIGTERM');
await Promise.all(
  children.map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))),
);
await db.close();
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
