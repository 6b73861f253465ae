/**
 * The audit CLI against a real wasmd node, end to end: a real gateway answers, the relayer
 * settles its attestations on the node and publishes them, then `scripts/audit/main.ts
 * --chain-adapter cosmwasm` (a separate process, reading the node over RPC) passes, publicly and
 * with an org auditor's permit; a tampered publication fails it, naming the batch.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OrgReaderGate } from '@privexbot/relayer/http/authorize-org-reader';
import { serveRelayerHttp } from '@privexbot/relayer/http/serve-relayer-http';
import { writeSettledFile } from '@privexbot/relayer/publish/write-batch-files';
import { type Relayer, startRelayer } from '@privexbot/relayer/start-relayer';
import { mnemonicSigner, signQueryPermit } from '@privexbot/schema/chain';
import { billingClient } from '@privexbot/schema/contracts';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWasmdAccount } from '../../scripts/wasmd/deploy-wasmd-platform.js';
import {
  AUDIT_MAIN,
  chainBatches,
  FEED_TOKEN,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
  waitFor,
} from '../relayer/relayer-stack.js';
import { COSMJS_HD_PATH } from './start-wasmd-platform.js';

const run = promisify(execFile);
const ANSWERS = 9;

async function audit(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', AUDIT_MAIN, ...args], {
      timeout: 90_000,
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the audit CLI on a wasmd node', () => {
  let stack: RelayerStack;
  let gateway: GatewayProcess;
  let relayer: Relayer;
  let http: Awaited<ReturnType<typeof serveRelayerHttp>>;
  let publishDir: string;
  let permitFile: string;
  let org: number;
  let chainArgs: string[];

  beforeAll(async () => {
    stack = await startRelayerStack({ chain: 'wasmd' });
    const node = stack.wasmd;
    if (!node) throw new Error('expected a wasmd stack');
    chainArgs = ['--chain-adapter', 'cosmwasm', '--chain', node.rpcUrl, '--contract', stack.usage];
    publishDir = join(stack.tempDir, 'publication');
    gateway = await stack.startGateway('gw-audit');
    await stack.registerSigner(gateway.signer);

    const alice = await connectWasmdAccount(node, 'alice');
    ({ orgId: org } = await billingClient(alice, stack.billing).createOrg('Audité 東京'));
    for (let i = 0; i < ANSWERS; i++) await gateway.chat(BigInt(org), i);
    const signer = await mnemonicSigner(node.account('alice').mnemonic, {
      hdPath: COSMJS_HD_PATH,
      prefix: node.addressPrefix,
    });
    const permit = await signQueryPermit(signer.wallet, {
      owner: signer.address,
      chainId: node.chainId,
      permitName: 'audit',
      allowedContracts: [stack.usage],
      permissions: ['usage'],
    });
    permitFile = join(stack.tempDir, 'permit.json');
    writeFileSync(permitFile, JSON.stringify(permit));

    relayer = await startSettling('v1');
    await waitFor(
      async () => (await relayer.store.cursor(gateway.signer)) === BigInt(ANSWERS),
      60_000,
      'every answer settled on the node',
    );
    http = await serveRelayerHttp(relayer, {
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      orgReaders: new OrgReaderGate({
        chain: stack.relayerChain,
        usageContract: stack.usage,
        domain: 'relayer.test',
      }),
    });
  });

  /** The relayer on the node; `v1` first (the batches the first cases audit), `v2` for receipts. */
  function startSettling(settlement: 'v1' | 'v2'): Promise<Relayer> {
    return startRelayer({
      relayerId: 'relayer-audit-wasmd',
      gateways: [{ url: gateway.url, token: FEED_TOKEN }],
      chain: stack.relayerChain,
      usageContract: stack.usage,
      settlement,
      pool: stack.newPool(2),
      batchSize: 4,
      batchAgeMs: 100,
      pollIntervalMs: 30,
      reconcileIntervalMs: 60_000,
      leaseTtlMs: 5_000,
      logger: pino({ level: 'silent' }),
      onSettled: (kind, id) => void writeSettledFile(relayer.store, publishDir, kind, id),
    });
  }
  afterAll(async () => {
    await relayer?.stop();
    await http?.close();
    await stack?.close();
  });

  it('passes on what the relayer settled on the node and published, publicly and with a permit', async () => {
    const headers = await chainBatches(await stack.readOnlyChain(), stack.usage);
    expect(headers.length).toBeGreaterThanOrEqual(3);
    const open = await audit([...chainArgs, '--publication', publishDir, '--allow-dev-signers']);
    expect(open.code, open.stdout).toBe(0);
    expect(open.stdout).toContain(
      `batches checked: ${headers.length}; receipts checked: 0; attestation hashes checked: ${ANSWERS}`,
    );
    expect(open.stdout).toContain('OK: every counted batch');

    // a permit signed for the node's chain id and the wasm account: the org's attestations one by
    // one (the permit is checked by the node's usage contract), summed against its counters
    const withPermit = await audit([
      ...chainArgs,
      '--publication',
      http.url,
      '--permit',
      permitFile,
      '--org',
      String(org),
      '--allow-dev-signers',
      '--json',
    ]);
    expect(withPermit.code, withPermit.stdout).toBe(0);
    const report = JSON.parse(withPermit.stdout) as {
      attestationsVerified: number;
      sums: { messages: string }[];
    };
    expect(report.attestationsVerified).toBe(ANSWERS);
    expect(report.sums.reduce((n, s) => n + Number(s.messages), 0)).toBe(ANSWERS);
  });

  it('fails when the publication was tampered with, naming the batch', async () => {
    const headers = await chainBatches(await stack.readOnlyChain(), stack.usage);
    const target = headers[1]?.id as number;
    const file = join(publishDir, 'batches', `${target}.json`);
    const original = readFileSync(file, 'utf8');
    const published = JSON.parse(original) as { attestation_hashes: string[] };
    published.attestation_hashes[0] = 'ab'.repeat(32);
    writeFileSync(file, JSON.stringify(published));
    try {
      const result = await audit([...chainArgs, '--publication', publishDir, '--allow-dev-signers']);
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toMatch(
        new RegExp(`\\[MERKLE_MISMATCH\\] batch ${target}: the published hashes rebuild root`),
      );
    } finally {
      writeFileSync(file, original);
    }
    expect((await audit([...chainArgs, '--publication', publishDir, '--allow-dev-signers'])).code).toBe(0);
  });

  it('says how to run it when --contract is missing for a CosmWasm node', async () => {
    const result = await audit([
      '--chain-adapter',
      'cosmwasm',
      '--chain',
      'http://127.0.0.1:1',
      '--publication',
      publishDir,
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('--chain-adapter cosmwasm needs --contract');
  });

  it('audits the receipts the relayer settles on the node after a restart in v2, and names a receipt whose published leaf was replaced', async () => {
    await relayer.stop();
    for (let i = ANSWERS; i < ANSWERS + 8; i++) await gateway.chat(BigInt(org), i);
    relayer = await startSettling('v2');
    await waitFor(
      async () => (await relayer.store.cursor(gateway.signer)) === BigInt(ANSWERS + 8),
      60_000,
      'the next answers settled in receipts',
    );
    const { receipts, total } = await (await stack.readOnlyChain()).query<{
      receipts: { id: number; first_seq: string; last_seq: string }[];
      total: number;
    }>(stack.usage, { receipts: { start: 0, limit: 10 } });
    expect(total).toBeGreaterThan(0);
    await waitFor(
      async () => existsSync(join(publishDir, 'receipts', `${total - 1}.json`)),
      10_000,
      'the receipt files written',
    );
    const open = await audit([...chainArgs, '--publication', publishDir, '--allow-dev-signers']);
    expect(open.code, open.stdout).toBe(0);
    expect(open.stdout).toContain(`receipts checked: ${total}; attestation hashes checked: ${ANSWERS + 8}`);

    const target = receipts[0] as { id: number; first_seq: string; last_seq: string };
    const file = join(publishDir, 'receipts', `${target.id}.json`);
    const original = readFileSync(file, 'utf8');
    const published = JSON.parse(original) as { attestation_hashes: string[] };
    writeFileSync(
      file,
      JSON.stringify({
        ...published,
        attestation_hashes: ['ab'.repeat(32), ...published.attestation_hashes.slice(1)],
      }),
    );
    try {
      const result = await audit([...chainArgs, '--publication', publishDir, '--allow-dev-signers']);
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toContain(
        `[RECEIPT_ROOT_MISMATCH] receipt ${target.id} (signer ${gateway.signer}, seq ${target.first_seq}..${target.last_seq}): the published leaves rebuild root`,
      );
    } finally {
      writeFileSync(file, original);
    }
  });
});
