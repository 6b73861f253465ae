/**
 * The real parts the relayer tests run against: the devnet executing the usage contract's
 * wasm, the embedded PostgreSQL in its own process (or a fresh database on the PostgreSQL
 * server named by PRIVEXBOT_TEST_POSTGRES_URL), and inference gateways as child processes
 * (so a test can kill -9 and restart them). Nothing here is faked.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayAuthHeaders } from '@privexbot/schema/attestation';
import { type ChainClient, connectDevnet, devOnlyAccount, mnemonicSigner } from '@privexbot/schema/chain';
import { connectReadOnlyClient } from '@privexbot/schema/chain/connect';
import { type UsageTypes, usageClient } from '@privexbot/schema/contracts';
import pg from 'pg';
import { spawnTestDatabase } from '../../scripts/db/spawn-test-database.js';
import { type RunningDevnet, startDevnet } from '../../scripts/devnet/index.js';
import {
  connectWasmdAccount,
  deployWasmdPlatform,
  wasmdDeployEnvironment,
} from '../../scripts/wasmd/deploy-wasmd-platform.js';
import { startWasmdChain, type WasmdChain } from '../../scripts/wasmd/start-wasmd-chain.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const GATEWAY_MAIN = join(repoRoot, 'api/src/gateway/main.ts');
export const RELAYER_MAIN = join(repoRoot, 'relayer/src/main.ts');
export const AUDIT_MAIN = join(repoRoot, 'scripts/audit/main.ts');

export const FEED_TOKEN = 'test-feed-token-0123456789';
const PLATFORM_SECRET = 'test-platform-secret-0123456789';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** An inference gateway child process with a fixed port and data directory, so it can be killed and restarted. */
export class GatewayProcess {
  private child: ChildProcess | undefined;
  readonly url: string;
  signer = '';

  constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--import', 'tsx', GATEWAY_MAIN], {
      env: {
        ...process.env,
        GATEWAY_HOST: '127.0.0.1',
        GATEWAY_PORT: String(this.port),
        GATEWAY_DATA_DIR: this.dataDir,
        GATEWAY_PLATFORM_SECRET: PLATFORM_SECRET,
        GATEWAY_FEED_TOKEN: FEED_TOKEN,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: repoRoot,
    });
    let stderr = '';
    this.child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const res = await fetch(`${this.url}/attestation`);
        if (res.ok) {
          this.signer = ((await res.json()) as { signer: string }).signer;
          return;
        }
      } catch {
        // not listening yet
      }
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`gateway did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** kill -9: no shutdown handler runs. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Answers one chat request through the gateway (offline answerer); the gateway signs one attestation. */
  async chat(org: bigint, i: number): Promise<void> {
    const body = JSON.stringify({
      org: org.toString(),
      bot: '123e4567-e89b-12d3-a456-426614174000',
      model: 'test-model',
      messages: [{ role: 'user', content: `question ${i}: tell me the refund policy` }],
      passages: [{ text: `Refunds are possible within ${i % 30} days of purchase.`, source: 'faq' }],
    });
    // A fresh connection per request (agent: false), as the api platform's calls are independent.
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${this.url}/v1/chat`,
        {
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...gatewayAuthHeaders(PLATFORM_SECRET, body),
          },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            data += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: data }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    if (status !== 200 || !text.includes('event: done'))
      throw new Error(`chat failed: ${status} ${text.slice(0, 300)}`);
  }

  async lastSeq(): Promise<bigint> {
    const res = await fetch(`${this.url}/attestation`);
    return BigInt(((await res.json()) as { last_seq: string }).last_seq);
  }

  /** Every attestation the gateway signed, in order (the reference the chain is compared with). */
  async allAttestations(): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (;;) {
      const res = await fetch(`${this.url}/attestations?after=${out.length}&limit=1000`, {
        headers: { authorization: `Bearer ${FEED_TOKEN}` },
      });
      const page = (await res.json()) as { attestations: Record<string, unknown>[] };
      if (page.attestations.length === 0) return out;
      out.push(...page.attestations);
    }
  }
}

/**
 * Which chain the stack runs on: the devnet (default), or a real wasmd node when
 * PRIVEXBOT_TEST_CHAIN=wasmd (tests/wasmd/vitest.config.ts runs these suites again that way).
 */
export type TestChainKind = 'devnet' | 'wasmd';
export const TEST_CHAIN: TestChainKind = process.env.PRIVEXBOT_TEST_CHAIN === 'wasmd' ? 'wasmd' : 'devnet';

export interface RelayerStack {
  chainKind: TestChainKind;
  /** the devnet; only on a devnet stack (throws on wasmd) */
  devnet: RunningDevnet;
  /** the wasmd node; only on a wasmd stack */
  wasmd?: WasmdChain;
  databaseUrl: string;
  usage: string;
  billing: string;
  operator: ChainClient;
  relayerChain: ChainClient;
  relayerMnemonic: string;
  /** RELAYER_CHAIN_* variables for a relayer process on this chain */
  relayerChainEnv: Record<string, string>;
  readOnlyChain(): Promise<ChainClient>;
  tempDir: string;
  newPool(max?: number): pg.Pool;
  startGateway(name: string): Promise<GatewayProcess>;
  registerSigner(signerHex: string, mode?: 'dev' | 'tee'): Promise<void>;
  close(): Promise<void>;
}

export async function startRelayerStack(
  options: { devnetDataDir?: string; chain?: TestChainKind } = {},
): Promise<RelayerStack> {
  if ((options.chain ?? TEST_CHAIN) === 'wasmd') return startWasmdRelayerStack();
  const tempDir = mkdtempSync(join(tmpdir(), 'privexbot-relayer-'));
  // PRIVEXBOT_ARTIFACTS_DIR points at freshly built wasm when contracts/artifacts is not there yet.
  const artifactsDir = process.env.PRIVEXBOT_ARTIFACTS_DIR;
  const devnet = await startDevnet({
    port: 0,
    ...(artifactsDir ? { artifactsDir } : {}),
    ...(options.devnetDataDir ? { dataDir: options.devnetDataDir } : {}),
  });
  const usage = devnet.contracts.usage?.address;
  const billing = devnet.contracts.billing?.address;
  if (!usage || !billing)
    throw new Error(
      'the devnet has no usage contract: build the wasm (npx tsx scripts/contracts/build-contracts.ts)',
    );
  const db = await spawnTestDatabase({ maxConnections: 32 });
  const operator = await connectDevnet({
    url: devnet.url,
    signer: await mnemonicSigner(devOnlyAccount('operator').mnemonic),
  });
  const relayerMnemonic = devOnlyAccount('relayer').mnemonic;
  const relayerChain = await connectDevnet({
    url: devnet.url,
    signer: await mnemonicSigner(relayerMnemonic),
  });
  return withProcesses({
    chainKind: 'devnet',
    devnet,
    tempDir,
    db,
    usage,
    billing,
    operator,
    relayerChain,
    relayerMnemonic,
    relayerChainEnv: { RELAYER_CHAIN_ADAPTER: 'devnet', RELAYER_CHAIN_URL: devnet.url },
    readOnlyChain: () => connectDevnet({ url: devnet.url }),
    closeChain: () => devnet.close(),
  });
}

/** The same stack on a real wasmd node, with the platform deployed by the deploy CLI. */
async function startWasmdRelayerStack(): Promise<RelayerStack> {
  const tempDir = mkdtempSync(join(tmpdir(), 'privexbot-relayer-'));
  const wasmd = await startWasmdChain();
  try {
    const platform = await deployWasmdPlatform(wasmd, {
      ...(process.env.PRIVEXBOT_ARTIFACTS_DIR ? { artifactsDir: process.env.PRIVEXBOT_ARTIFACTS_DIR } : {}),
    });
    const db = await spawnTestDatabase({ maxConnections: 32 });
    const deploy = wasmdDeployEnvironment(wasmd);
    return withProcesses({
      chainKind: 'wasmd',
      wasmd,
      tempDir,
      db,
      usage: platform.usage,
      billing: platform.billing,
      operator: await connectWasmdAccount(wasmd, 'operator'),
      relayerChain: await connectWasmdAccount(wasmd, 'relayer'),
      relayerMnemonic: wasmd.account('relayer').mnemonic,
      relayerChainEnv: {
        RELAYER_CHAIN_ADAPTER: 'cosmwasm',
        RELAYER_CHAIN_URL: wasmd.rpcUrl,
        RELAYER_GAS_PRICE: deploy.COSMWASM_GAS_PRICE as string,
        RELAYER_ADDRESS_PREFIX: wasmd.addressPrefix,
        RELAYER_CONFIRM_POLL_MS: '200',
      },
      readOnlyChain: () =>
        connectReadOnlyClient({ adapter: 'cosmwasm', rpcUrl: wasmd.rpcUrl, nativeDenom: wasmd.denom }),
      closeChain: () => wasmd.close(),
    });
  } catch (error) {
    await wasmd.close();
    rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
}

type StackChain = Omit<
  RelayerStack,
  'devnet' | 'databaseUrl' | 'newPool' | 'startGateway' | 'registerSigner' | 'close'
> & {
  devnet?: RunningDevnet;
  db: { url: string; close(): Promise<void> };
  closeChain(): Promise<void>;
};

/** The database pools and gateway processes around a chain, and the one close() for all. */
function withProcesses(chain: StackChain): RelayerStack {
  const { db, closeChain, devnet, ...rest } = chain;
  const pools: pg.Pool[] = [];
  const gateways: GatewayProcess[] = [];
  return {
    ...rest,
    get devnet(): RunningDevnet {
      if (!devnet) throw new Error(`this relayer stack runs on ${chain.chainKind}, not the devnet`);
      return devnet;
    },
    databaseUrl: db.url,
    newPool(max = 2) {
      const pool = new pg.Pool({ connectionString: db.url, max });
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
    async startGateway(name) {
      const gateway = new GatewayProcess(await freePort(), join(chain.tempDir, name));
      gateways.push(gateway);
      await gateway.start();
      return gateway;
    },
    async registerSigner(signerHex, mode = 'dev') {
      await chain.operator.execute(chain.usage, {
        register_signer: {
          pubkey: Buffer.from(signerHex, 'hex').toString('base64'),
          attestation_hash: Buffer.alloc(32, 7).toString('base64'),
          mode,
        },
      });
    },
    async close() {
      // Every step runs even if an earlier one fails, so no child process outlives the tests.
      const steps = [
        ...gateways.map((gateway) => () => gateway.kill()),
        () => Promise.all(pools.map((p) => p.end().catch(() => undefined))),
        () => db.close(),
        closeChain,
      ];
      for (const step of steps) await step().catch(() => undefined);
      rmSync(chain.tempDir, { recursive: true, force: true });
    },
  };
}

/** The chain's view of a signer: last sequence and every batch header of it, in order. */
export async function chainBatches(chain: ChainClient, usage: string) {
  const headers: {
    id: number;
    signer: string;
    first_seq: string;
    last_seq: string;
    count: number;
    merkle_root: string;
    time: string;
    height: number;
    prompt_tokens: string;
    completion_tokens: string;
  }[] = [];
  for (;;) {
    const page = await chain.query<{ batches: typeof headers; total: number }>(usage, {
      batches: { start: headers.length, limit: 100 },
    });
    headers.push(...page.batches);
    if (page.batches.length === 0 || headers.length >= page.total) return headers;
  }
}

/** Every receipt header (settlement v2) on chain, in id order. */
export async function chainReceipts(chain: ChainClient, usage: string) {
  const headers: UsageTypes.ReceiptHeader[] = [];
  for (;;) {
    const page = await usageClient(chain, usage).query('receipts', { start: headers.length, limit: 100 });
    headers.push(...page.receipts);
    if (page.receipts.length === 0 || headers.length >= page.total) return headers;
  }
}

/**
 * What the chain settled, batches (v1) and receipts (v2) alike, in sequence order per signer:
 * the ranges a test checks for gaps and duplicates. `root` is base64 as the chain holds it.
 */
export async function chainSettledRanges(chain: ChainClient, usage: string, signerBase64?: string) {
  const ranges = [
    ...(await chainBatches(chain, usage)).map((h) => ({
      kind: 'batch' as const,
      id: h.id,
      signer: h.signer,
      first_seq: h.first_seq,
      last_seq: h.last_seq,
      root: h.merkle_root,
    })),
    ...(await chainReceipts(chain, usage)).map((h) => ({
      kind: 'receipt' as const,
      id: h.id,
      signer: h.signer,
      first_seq: h.first_seq,
      last_seq: h.last_seq,
      root: h.root,
    })),
  ].filter((range) => signerBase64 === undefined || range.signer === signerBase64);
  return ranges.sort((a, b) => Number(BigInt(a.first_seq) - BigInt(b.first_seq)));
}

export async function waitFor(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
