/**
 * Relayer resident memory while relaying up to a million attestations.
 * Goal (issue 5): flat after warm-up, <= 150 MB.
 *
 * What is measured is the production process: the relayer's bundle run by plain node
 * (scripts/relayer/bundle-relayer.ts), as docker-compose and `npm start` run it, or with
 * `--relayer-build tsx` the TypeScript sources through `node --import tsx` for comparison;
 * configured from the environment, with its real verification,
 * batching, PostgreSQL recording (the embedded database, in its own process), cursor and
 * publication. Its RSS is read from /proc/<pid>/status. Around it:
 * - the gateway is the synthetic feed of relayer-synthetic-feed.ts (own process): real
 *   attestations signed on demand, so a million need no million chat requests;
 * - the chain is the devnet (in this process, not measured) executing the real usage contract
 *   wasm: every batch's signatures are verified again on chain, sequences checked, counters kept.
 *
 * Run it niced: it keeps about one core busy.
 *   nice -n 15 npx tsx scripts/bench/relayer-memory.ts [--count 1000000] [--batch-size 200]
 *     [--sample-seconds 10] [--max-minutes 60] [--relayer-build bundle|tsx]
 *     ["--relayer-node-options=--max-old-space-size=64 --max-semi-space-size=4"]  (compose's)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { spawnEmbeddedDatabase } from '../db/spawn-embedded-database.js';
import { startDevnet } from '../devnet/index.js';
import { repoRoot } from '../lib/paths.js';
import { bundleRelayer } from '../relayer/bundle-relayer.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string', default: '200' },
    'sample-seconds': { type: 'string', default: '10' },
    // stop there and report what was reached (the machine is shared)
    'max-minutes': { type: 'string', default: '60' },
    // e.g. "--max-old-space-size=64": how the relayer's heap limit changes its footprint
    'relayer-node-options': { type: 'string', default: '' },
    // bundle: the production build, plain node; tsx: the sources through the tsx loader
    'relayer-build': { type: 'string', default: 'bundle' },
  },
});
const build = values['relayer-build'];
if (build !== 'bundle' && build !== 'tsx') throw new Error('--relayer-build is bundle or tsx');
const count = Number(values.count);
const batchSize = Number(values['batch-size']);
const sampleMs = Number(values['sample-seconds']) * 1000;
const deadline = performance.now() + Number(values['max-minutes']) * 60_000;
const TOKEN = 'bench-feed-token-0123456789';

const { connectDevnet, devOnlyAccount, mnemonicSigner } = await import('@privexbot/schema/chain');
const temp = mkdtempSync(join(tmpdir(), 'privexbot-memory-'));
const children: ChildProcess[] = [];

const feedProcess = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    join(repoRoot, 'scripts/bench/relayer-synthetic-feed.ts'),
    '--count',
    String(count),
    '--token',
    TOKEN,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], cwd: repoRoot },
);
children.push(feedProcess);
const feed = await new Promise<{ url: string; signer: string }>((resolve) => {
  createInterface({ input: feedProcess.stdout as NonNullable<typeof feedProcess.stdout> }).once(
    'line',
    (line) => resolve(JSON.parse(line)),
  );
});

const devnet = await startDevnet({ port: 0 });
const usage = devnet.contracts.usage?.address;
if (!usage)
  throw new Error('the devnet has no usage contract: run npx tsx scripts/contracts/build-contracts.ts');
const operator = await connectDevnet({
  url: devnet.url,
  signer: await mnemonicSigner(devOnlyAccount('operator').mnemonic),
});
const signerBase64 = Buffer.from(feed.signer, 'hex').toString('base64');
await operator.execute(usage, {
  register_signer: {
    pubkey: signerBase64,
    attestation_hash: Buffer.alloc(32, 1).toString('base64'),
    mode: 'dev',
  },
});
const db = await spawnEmbeddedDatabase({ port: 0, dataDir: join(temp, 'db'), maxConnections: 4 });

const nodeOptions = values['relayer-node-options'].split(' ').filter(Boolean);
const entry =
  build === 'bundle' ? [await bundleRelayer()] : ['--import', 'tsx', join(repoRoot, 'relayer/src/main.ts')];
const relayer = spawn(process.execPath, [...nodeOptions, ...entry], {
  env: {
    ...process.env,
    RELAYER_GATEWAYS: JSON.stringify([{ url: feed.url, token: TOKEN }]),
    RELAYER_CHAIN_ADAPTER: 'devnet',
    RELAYER_CHAIN_URL: devnet.url,
    USAGE_CONTRACT: usage,
    RELAYER_MNEMONIC: devOnlyAccount('relayer').mnemonic,
    DATABASE_URL: db.url,
    RELAYER_BATCH_SIZE: String(batchSize),
    RELAYER_BATCH_AGE_SECONDS: '1',
    RELAYER_POLL_INTERVAL_MS: '50',
    RELAYER_PORT: '0',
    RELAYER_PUBLISH_DIR: join(temp, 'published'),
    RELAYER_LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
  cwd: repoRoot,
});
children.push(relayer);
relayer.on('exit', (code, signal) => {
  if (!finished) {
    console.error(`the relayer exited early (code ${code}, signal ${signal})`);
    // the feed and the database are processes of their own: stop them rather than orphan them
    for (const child of children) child.kill('SIGTERM');
    db.close().finally(() => {
      rmSync(temp, { recursive: true, force: true });
      process.exit(1);
    });
  }
});

/** Resident set size of a process, from the kernel's own accounting. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const samples: { counted: number; rss: number }[] = [];
const start = performance.now();
let finished = false;
let nextReport = 0;
console.log(
  `relaying ${count} attestations in batches of ${batchSize}: the relayer is ${build === 'bundle' ? 'its bundle, plain node' : 'main.ts through tsx'} (pid ${relayer.pid}${nodeOptions.length > 0 ? `, node ${nodeOptions.join(' ')}` : ''}); ` +
    'chain: the devnet executing the real usage wasm (signatures verified again on chain); gateway: synthetic feed',
);
for (;;) {
  await new Promise((r) => setTimeout(r, sampleMs));
  const { last_seq } = await operator.query<{ last_seq: string }>(usage, {
    last_seq: { signer: signerBase64 },
  });
  const counted = Number(last_seq);
  const rss = rssOf(relayer.pid as number);
  samples.push({ counted, rss });
  if (counted >= nextReport || counted >= count) {
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `${String(counted).padStart(8)} counted on chain  relayer rss ${mb(rss)} MB  ${(counted / seconds).toFixed(0)}/s  ${seconds.toFixed(0)} s  load ${loadavg()[0]?.toFixed(1)}`,
    );
    while (nextReport <= counted) nextReport += count / 20;
  }
  if (counted >= count) break;
  if (performance.now() > deadline) {
    console.log(`stopped by --max-minutes at ${counted} of ${count}`);
    break;
  }
}
finished = true;
const reached = samples.at(-1)?.counted ?? 0;
const warm = samples.filter((s) => s.counted >= reached / 10);
const warmRss = warm.map((s) => s.rss);
const firstHalf = warmRss.slice(0, Math.ceil(warmRss.length / 2));
const secondHalf = warmRss.slice(Math.ceil(warmRss.length / 2));
const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / Math.max(1, list.length);
console.log(
  `relayer resident memory after warm-up (>= ${reached / 10} of ${reached} counted, ${warmRss.length} samples): min ${mb(Math.min(...warmRss))} MB, ` +
    `max ${mb(Math.max(...warmRss))} MB, final ${mb(warmRss.at(-1) ?? 0)} MB; mean of first half ${mb(mean(firstHalf))} MB, ` +
    `second half ${mb(mean(secondHalf))} MB (goal: flat, <= 150 MB); ${((performance.now() - start) / 1000).toFixed(0)} s total`,
);
relayer.kill('SIGTERM');
await new Promise((r) => relayer.once('exit', r));
feedProcess.kill('SIGTERM');
await db.close();
await devnet.close();
rmSync(temp, { recursive: true, force: true });
process.exit(0);
