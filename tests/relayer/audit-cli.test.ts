import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { queryInTransaction } from '@privexbot/relayer/db/query-in-transaction';
import { OrgReaderGate } from '@privexbot/relayer/http/authorize-org-reader';
import { serveRelayerHttp } from '@privexbot/relayer/http/serve-relayer-http';
import { writeSettledFile } from '@privexbot/relayer/publish/write-batch-files';
import { type Relayer, startRelayer } from '@privexbot/relayer/start-relayer';
import { connectDevnet, devOnlyAccount, mnemonicSigner, signQueryPermit } from '@privexbot/schema/chain';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      onSettled: (kind, id) => void writeSettledFile(relayer.store, publishDir, kind, id),
    });
    http = await serveRelayerHttp(relayer, {
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      orgReaders: new OrgReaderGate({
        chain: stack.relayerChain,
        usageContract: stack.usage,
        domain: 'relayer.test',
      }),
    });
    await waitFor(async () => (await relayer.store.cursor(gateway.signer)) === 12n, 20_000, 'twelve relayed');
  });
  afterAll(async () => {
    await relayer?.stop();
    await http?.close();
    await stack?.close();
    rmSync(devnetDir, { recursive: true, force: true });
  });

  it('fails by default on the dev signer, names its mode, and passes with --allow-dev-signers, saying so first', async () => {
    const refused = await audit(['--chain', stack.devnet.url, '--publication', http.url]);
    expect(refused.code, refused.stdout).toBe(1);
    expect(refused.stdout).toContain(`signer ${gateway.signer}: dev, `);
    expect(refused.stdout).toMatch(
      /\[DEV_SIGNER\] signer [0-9a-f]{66} is a dev key: 0 counted batch\(es\) and [1-9]\d* receipt\(s\) have no TEE/,
    );
    expect(refused.stdout.split('\n')[0]).toMatch(/^audit of /);

    const allowed = await audit([
      '--chain',
      stack.devnet.url,
      '--publication',
      http.url,
      '--allow-dev-signers',
    ]);
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.stdout.split('\n')[0]).toMatch(
      /^DEV SIGNERS ALLOWED \(development only\): 0 batch\(es\) and [1-9]\d* receipt\(s\) of 1 dev signer\(s\) were counted with no TEE behind them$/,
    );
    expect(allowed.stdout).toContain('OK: every counted batch and receipt');
  });

  it("passes on honest data, publicly over HTTP and static files, and with a permit on the org's attestations one by one", async () => {
    const fromFiles = await audit([
      '--chain',
      stack.devnet.url,
      '--publication',
      publishDir,
      '--allow-dev-signers',
    ]);
    expect(fromFiles.code, fromFiles.stdout).toBe(0);
    const withPermit = await audit([
      '--chain',
      stack.devnet.url,
      '--publication',
      http.url,
      '--permit',
      permitFile,
      '--org',
      org,
      '--allow-dev-signers',
      '--json',
    ]);
    expect(withPermit.code, withPermit.stdout).toBe(0);
    const report = JSON.parse(withPermit.stdout) as {
      notice: string;
      ok: boolean;
      attestationsVerified: number;
      leavesChecked: number;
      signerModes: { mode: string }[];
      sums: { org: string; messages: string }[];
    };
    expect(Object.keys(report)[0]).toBe('notice');
    expect(report.notice).toMatch(/^DEV SIGNERS ALLOWED/);
    expect(report.ok).toBe(true);
    expect(report.signerModes.map((m) => m.mode)).toEqual(['dev']);
    expect(report.attestationsVerified).toBe(12);
    expect(report.leavesChecked).toBe(12);
    expect(report.sums.filter((s) => s.org === org).reduce((n, s) => n + Number(s.messages), 0)).toBe(12);
  });

  it('detects a tampered attestation: publicly when its hash changed, in the org audit when only its fields did', async () => {
    const pool = stack.newPool(1);
    const where = 'WHERE signer = $1 AND seq = 7';
    const original = (
      await queryInTransaction(pool, `SELECT attestation FROM relayer.batch_attestation ${where}`, [
        gateway.signer,
      ])
    ).rows[0]?.attestation;
    const orgAudit = [
      '--chain',
      stack.devnet.url,
      '--publication',
      http.url,
      '--permit',
      permitFile,
      '--org',
      org,
      '--allow-dev-signers',
    ];
    try {
      await queryInTransaction(
        pool,
        `UPDATE relayer.batch_attestation SET attestation = jsonb_set(attestation, '{completion_tokens}', '99999') ${where}`,
        [gateway.signer],
      );
      const result = await audit(orgAudit);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /\[TAMPERED_ATTESTATION\] receipt \d+ \(signer [0-9a-f]{66}, seq \d+\.\.\d+\): seq 7: hash: does not match the attestation fields/,
      );
      await queryInTransaction(
        pool,
        `UPDATE relayer.batch_attestation SET attestation = jsonb_set(attestation, '{hash}', '"${'ab'.repeat(32)}"') ${where}`,
        [gateway.signer],
      );
      const outsider = await audit([
        '--chain',
        stack.devnet.url,
        '--publication',
        http.url,
        '--allow-dev-signers',
      ]);
      expect(outsider.code).toBe(1);
      expect(outsider.stdout).toMatch(
        /\[RECEIPT_ROOT_MISMATCH\] receipt \d+ \(signer [0-9a-f]{66}, seq \d+\.\.\d+\): the published leaves rebuild root/,
      );
    } finally {
      await queryInTransaction(pool, `UPDATE relayer.batch_attestation SET attestation = $2 ${where}`, [
        gateway.signer,
        JSON.stringify(original),
      ]);
    }
    expect((await audit(orgAudit)).code).toBe(0);
  });

  it('detects a missing receipt', async () => {
    rmSync(join(publishDir, 'receipts', '1.json'));
    const result = await audit([
      '--chain',
      stack.devnet.url,
      '--publication',
      publishDir,
      '--allow-dev-signers',
      '--json',
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { problems: { code: string; receiptId?: number }[] };
    expect(report.problems[0]).toMatchObject({ code: 'MISSING_RECEIPT', receiptId: 1 });
    await writeSettledFile(relayer.store, publishDir, 'receipt', 1n);
  });

  it("detects a counter mismatch in the contract's own storage", async () => {
    // Raise the message counters in the contract's saved storage and open a second devnet on
    // it: the signed attestations no longer add up to what the contract says.
    await relayer.stop();
    const stateFile = join(devnetDir, 'state.json');
    const state = readFileSync(stateFile, 'utf8');
    let bumped = 0;
    const edited = state.replace(/"\$bytes":"([A-Za-z0-9+/=]+)"/g, (whole, b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      // the totals (JSON) and the org's day (one compact record of LEB128 varints per bot:
      // index, messages, prompt, completion; contracts/usage/src/compact.rs)
      const counters = /^\{"messages":"(\d+)",(.*)$/.exec(bytes.toString('utf8'));
      if (counters) {
        bumped++;
        return `"$bytes":"${Buffer.from(`{"messages":"${Number(counters[1]) + 1}",${counters[2]}`).toString('base64')}"`;
      }
      const day = orgDayRecord(bytes);
      if (!day || day.reduce((n, [, messages]) => n + (messages ?? 0n), 0n) !== 12n) return whole;
      bumped++;
      const first = day[0] as bigint[];
      first[1] = (first[1] as bigint) + 1n;
      return `"$bytes":"${Buffer.from(day.flat().flatMap(varint)).toString('base64')}"`;
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
        http.url,
        '--permit',
        permitFile,
        '--org',
        org,
        '--allow-dev-signers',
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        new RegExp(
          `\\[COUNTER_MISMATCH\\] org ${org}, day \\d+ \\([0-9-]+\\): the contract counts messages \\d+, the signed attestations sum to \\d+`,
        ),
      );
      expect(result.stdout).toContain('[TOTALS_MISMATCH]');
    } finally {
      await reopened.close();
    }
  });
});

/** LEB128 varint bytes of `value`. */
function varint(value: bigint): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest === 0n ? byte : byte | 0x80);
  } while (rest !== 0n);
  return out;
}

/** The entries of a compact org-day record (bot index, messages, prompt, completion), or undefined. */
function orgDayRecord(bytes: Uint8Array): bigint[][] | undefined {
  const values: bigint[] = [];
  let value = 0n;
  let shift = 0n;
  for (const byte of bytes) {
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (byte & 0x80) continue;
    values.push(value);
    value = 0n;
    shift = 0n;
  }
  if (shift !== 0n || values.length === 0 || values.length % 4 !== 0) return undefined;
  const entries = Array.from({ length: values.length / 4 }, (_, i) => values.slice(i * 4, i * 4 + 4));
  if (!Buffer.from(entries.flat().flatMap(varint)).equals(Buffer.from(bytes))) return undefined;
  return entries.every((e, i) => i === 0 || (e[0] as bigint) > ((entries[i - 1] as bigint[])[0] as bigint))
    ? entries
    : undefined;
}
