/**
 * The relayer process starts while its chain node is down: it must not exit, must report not
 * ready (503 on /healthz, the signer `failing` with the chain error) while it retries with its
 * named backoff, and must relay once the node is up, without a restart. The process is the
 * production bundle run by plain node, as `npm start` and compose run it: its cosmjs adapter
 * once failed there only (a dynamic import of a CommonJS package lost its named exports).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleRelayer, RELAYER_NODE_OPTIONS } from '../../scripts/relayer/bundle-relayer.js';
import type { WasmdChain } from '../../scripts/wasmd/start-wasmd-chain.js';
import {
  FEED_TOKEN,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
  waitFor,
} from '../relayer/relayer-stack.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Health {
  status: string;
  signers: { state: string; lastError?: string; cursor: string }[];
}

describe('a relayer started while the node is down', () => {
  let stack: RelayerStack;
  let node: WasmdChain;
  let gateway: GatewayProcess;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    stack = await startRelayerStack({ chain: 'wasmd' });
    node = stack.wasmd as WasmdChain;
    gateway = await stack.startGateway('gw-early');
    await stack.registerSigner(gateway.signer);
    for (let i = 0; i < 3; i++) await gateway.chat(1n, i);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await stack?.close();
  });

  it('waits, reports not ready, then relays when the node comes up', async () => {
    await node.stop();
    const logs: string[] = [];
    const bundle = await bundleRelayer();
    child = spawn(process.execPath, [...RELAYER_NODE_OPTIONS.split(' '), bundle], {
      env: {
        ...process.env,
        ...stack.relayerChainEnv,
        RELAYER_ID: 'relayer-early',
        RELAYER_GATEWAYS: JSON.stringify([{ url: gateway.url, token: FEED_TOKEN }]),
        USAGE_CONTRACT: stack.usage,
        RELAYER_MNEMONIC: stack.relayerMnemonic,
        DATABASE_URL: stack.databaseUrl,
        RELAYER_BATCH_SIZE: '10',
        RELAYER_BATCH_AGE_SECONDS: '0.1',
        RELAYER_POLL_INTERVAL_MS: '50',
        RELAYER_PORT: '0',
        RELAYER_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: REPO_ROOT,
    });
    const keep = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exit = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));

    let url = '';
    await waitFor(
      async () => {
        const listening = logs
          .map((line) => safeJson(line))
          .find((entry) => entry?.msg === 'relayer listening');
        url = (listening?.url as string | undefined) ?? '';
        return url !== '' || child?.exitCode !== null;
      },
      60_000,
      'the relayer to listen',
    );
    expect(child.exitCode, `the relayer exited while the node was down:\n${logs.join('\n')}`).toBeNull();
    const health = async () => {
      const response = await fetch(`${url}/healthz`);
      return { code: response.status, body: (await response.json()) as Health };
    };
    // Not ready: the first chain call failed and the worker is retrying it.
    await waitFor(async () => (await health()).code === 503, 30_000, 'a 503 while the node is down');
    const down = await health();
    expect(down.body.status).toBe('degraded');
    expect(down.body.signers[0]?.state).toBe('failing');
    expect(down.body.signers[0]?.lastError).toMatch(/NETWORK_ERROR|fetch failed|ECONNREFUSED/);
    // Still retrying a few seconds later, not exited.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(child.exitCode).toBeNull();
    const retries = logs.filter((line) => safeJson(line)?.msg === 'relay step failed').length;
    expect(retries).toBeGreaterThanOrEqual(2);

    await node.start();
    const signerB64 = Buffer.from(gateway.signer, 'hex').toString('base64');
    const reader = await stack.readOnlyChain();
    await waitFor(
      async () =>
        (await reader.query<{ last_seq: string }>(stack.usage, { last_seq: { signer: signerB64 } }))
          .last_seq === '3',
      90_000,
      'the three attestations on chain',
    );
    await waitFor(
      async () => {
        const { code, body } = await health();
        return code === 200 && body.signers[0]?.cursor === '3';
      },
      30_000,
      'ready, with the cursor at 3, once the node answers',
    );
    expect((await health()).body).toMatchObject({ status: 'ok', signers: [{ state: 'relaying' }] });
    expect(logs.some((line) => safeJson(line)?.msg === 'connected to the chain')).toBe(true);

    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});

function safeJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
