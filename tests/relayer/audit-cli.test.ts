import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectDevnet, devOnlyAccount, mnemonicSigner, signQueryPermit } from '@privexbot/schema/chain';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryInTransaction } from '../../relayer/src/db/query-in-transaction.js';
import { serveRelayerHttp } from '../../relayer/src/http/serve-relayer-http.js';
import { writeBatchFile } from '../../relayer/src/publish/write-batch-files.js';
import { type Relayer, startRelayer } from '../../relayer/src/start-relayer.js';
import { startDevnet } from '../../scripts/devnet/index.js';
import {
  AUDIT_MAIN,
  FEED_TOKEN,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
  waitFor,
} from './relayer-stack.js';

const run = promisify(execFile);
const silent = pino({ level: 'silent' });

async function audit(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', AUDIT_MAIN, ...args], {
      timeout: 60_000,
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('audit CLI', () => {
  let stack: RelayerStack;
  let gateway: GatewayProcess;
  let relayer: Relayer;
  let http: Awaited<ReturnType<typeof serveRelayerHttp>>;
  let publishDir: string;
  let permitFile: string;
  let org: string;
  let devnetDir: string;

  beforeAll(async () => {
    devnetDir = mkdtempSync(join(tmpdir(), 'privexbot-audit-devnet-'));
    stack = await startRelayerStack({ devnetDataDir: devnetDir });
    publishDir = join(stack.tempDir, 'publication');
    gateway = await stack.startGateway('gw-audit');
    await stack.registerSigner(gateway.signer);

    // Alice owns an org; the gateway answers for it; she signs a permit for the audit.
    const alice = await mnemonicSigner(devOnlyAccount('alice').mnemonic);
    const aliceChain = await connectDevnet({ url: stack.devnet.url, signer: alice });
    const created = await aliceChain.execute(stack.billing, { create_org: { name: 'Audited Org' } });
    org = created.events.flatMap((e) => e.attributes).find((a) => a.key === 'org_id')?.value ?? '';
    expect(org).toMatch(/^\d+$/);
    for (let i = 0; i < 12; i++) await gateway.chat(BigInt(org), i);
    const permit = await signQueryPermit(alice.wallet, {
      owner: alice.address,
      chainId: stack.devnet.chainId,
      permitName: 'audit',
      allowedContracts: [stack.usage],
      permissions: ['usage'],
    });
    permitFile = join(stack.tempDir, 'permit.json');
    writeFileSync(permitFile, JSON.stringify(permit));

    relayer = await startRelayer({
      relayerId: 'relayer-audit',
      gateways: [{ url: gateway.url, token: FEED_TOKEN }],
      chain: stack.relayerChain,
      usageContract: stack.usage,
      pool: stack.newPool(2),
      batchSize: 5,
      batchAgeMs: 100,
      pollIntervalMs: 30,
      reconcileIntervalMs: 60_000,
      leaseTtlMs: 5_000,
      logger: silent,
      onBatchRecorded: (id) => void writeBatchFile(relayer.store, publishDir, id),
    });
    http = await serveRelayerHttp(relayer, { host: '127.0.0.1', port: 0, logger: silent });
    await waitFor(async () => (await relayer.store.cursor(gateway.signer)) === 12n, 20_000, 'twelve relayed');
  });
  afterAll(async () => {
    await relayer?.stop();
    await http?.close();
    await stack?.close();
    rmSync(devnetDir, { recursive: true, force: true });
  });

  it('passes on honest data, with and without a permit, over HTTP and static files', async () => {
    const plain = await audit(['--chain', stack.devnet.url, '--publication', http.url]);
    expect(plain.stdout).toContain('OK: every counted attestation');
    expect(plain.code).toBe(0);
    const withPermit = await audit([
      '--chain',
      stack.devnet.url,
      '--publication',
      publishDir,
      '--permit',
      permitFile,
      '--org',
      org,
      '--json',
    ]);
    expect(withPermit.code, withPermit.stdout).toBe(0);
    const report = JSON.parse(withPermit.stdout) as {
      ok: boolean;
      attestationsVerified: number;
      sums: { org: string; messages: string }[];
    };
    expect(report.ok).toBe(true);
    expect(report.attestationsVerified).toBe(12);
    expect(report.sums.filter((s) => s.org === org).reduce((n, s) => n + Number(s.messages), 0)).toBe(12);
  });

  it('detects a tampered published batch', async () => {
    const pool = stack.newPool(1);
    const where = 'WHERE signer = $1 AND seq = 7';
    const original = (
      await queryInTransaction(pool, `SELECT attestation FROM relayer.batch_attestation ${where}`, [
        gateway.signer,
      ])
    ).rows[0]?.attestation;
    await queryInTransaction(
      pool,
      `UPDATE relayer.batch_attestation SET attestation = jsonb_set(attestation, '{completion_tokens}', '99999') ${where}`,
      [gateway.signer],
    );
    try {
      const result = await audit(['--chain', stack.devnet.url, '--publication', http.url]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /\[tampered_attestation\] batch \d+, seq 7: hash: does not match the attestation fields/,
      );
    } finally {
      await queryInTransaction(pool, `UPDATE relayer.batch_attestation SET attestation = $2 ${where}`, [
        gateway.signer,
        JSON.stringify(original),
      ]);
    }
    expect((await audit(['--chain', stack.devnet.url, '--publication', http.url])).code).toBe(0);
  });

  it('detects a missing batch', async () => {
    rmSync(join(publishDir, 'batches', '1.json'));
    const result = await audit(['--chain', stack.devnet.url, '--publication', publishDir, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { problems: { code: string; batchId?: number }[] };
    expect(report.problems[0]).toMatchObject({ code: 'missing_batch', batchId: 1 });
    await writeBatchFile(relayer.store, publishDir, 1n);
  });

  it("detects a counter mismatch in the contract's own storage", async () => {
    // Raise the message counters in the contract's saved storage and open a second devnet on
    // it: the signed attestations no longer add up to what the contract says.
    await relayer.stop();
    const stateFile = join(devnetDir, 'state.json');
    const state = readFileSync(stateFile, 'utf8');
    let bumped = 0;
    const edited = state.replace(/"\$bytes":"([A-Za-z0-9+/=]+)"/g, (whole, b64: string) => {
      const text = Buffer.from(b64, 'base64').toString('utf8');
      const counters = /^\{"messages":"(\d+)",(.*)$/.exec(text);
      if (!counters) return whole;
      bumped++;
      return `"$bytes":"${Buffer.from(`{"messages":"${Number(counters[1]) + 1}",${counters[2]}`).toString('base64')}"`;
    });
    expect(bumped).toBeGreaterThan(0);
    writeFileSync(stateFile, edited);
    const reopened = await startDevnet({
      port: 0,
      dataDir: devnetDir,
      ...(process.env.PRIVEXBOT_ARTIFACTS_DIR ? { artifactsDir: process.env.PRIVEXBOT_ARTIFACTS_DIR } : {}),
    });
    try {
      const result = await audit([
        '--chain',
        reopened.url,
        '--publication',
        publishDir,
        '--permit',
        permitFile,
        '--org',
        org,
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        new RegExp(
          `\\[counter_mismatch\\] org ${org}, day \\d+ \\([0-9-]+\\): the contract counts messages \\d+, the signed attestations sum to \\d+`,
        ),
      );
      expect(result.stdout).toContain('[totals_mismatch]');
    } finally {
      await reopened.close();
    }
  });
});
