/**
 * The audit CLI over a history of v1 batches and v2 receipts settled by the real usage contract
 * on the devnet (cw-simulate running the wasm), signed by a test gateway key registered as a
 * signer: answers 1..4 settle as a batch, 5..8 and 9..12 as receipts. The second receipt
 * carries a forged delta (500 prompt tokens more on one of org A's lines): the contract accepts
 * it, as it must (it never sees the leaves), and the audit of org A catches it and names the
 * receipt. The relayer's publication of receipts is written here in its documented shapes
 * (`publicReceiptSchema`, `orgReceiptSchema`): static files for the public form, a small HTTP
 * server for the org's share. Then the same audit over what a running relayer settles and
 * publishes: v1 batches, then receipts after it restarts in v2.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { toHex } from '@cosmjs/encoding';
import { OrgReaderGate } from '@privexbot/relayer/http/authorize-org-reader';
import { serveRelayerHttp } from '@privexbot/relayer/http/serve-relayer-http';
import { writeSettledFile } from '@privexbot/relayer/publish/write-batch-files';
import { type Relayer, startRelayer } from '@privexbot/relayer/start-relayer';
import {
  type Attestation,
  attestationToJson,
  encodeSubmitBatch,
  generateSignerKey,
  hashAttestation,
  merkleProof,
  merkleProofToJson,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import {
  type ChainClient,
  connectDevnet,
  devOnlyAccount,
  mnemonicSigner,
  signQueryPermit,
} from '@privexbot/schema/chain';
import { billingClient, usageClient } from '@privexbot/schema/contracts';
import {
  buildReceipt,
  encodeSubmitReceipt,
  type OrgReceipt,
  type PublishedReceiptHeader,
  type Receipt,
  receiptToJson,
  signReceipt,
} from '@privexbot/schema/receipt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDevnet, startDevnet } from '../../scripts/devnet/index.js';
import {
  FEED_TOKEN,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
  waitFor,
} from './relayer-stack.js';

const run = promisify(execFile);
const AUDIT_MAIN = fileURLToPath(new URL('../../scripts/audit/main.ts', import.meta.url));
const BOT = '8f14e45f-ceea-467f-a2b8-2c1d2e3f4a5b';

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

describe('the audit CLI over batches and receipts on the devnet', () => {
  let devnet: RunningDevnet;
  let dir: string;
  let server: Server;
  let url: string;
  let orgA: string;
  let orgB: string;
  let permitFile: string;
  const key = generateSignerKey();
  const signer = signerPublicKey(key);
  const signerHex = toHex(signer);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'privexbot-audit-receipts-'));
    const artifactsDir = process.env.PRIVEXBOT_ARTIFACTS_DIR;
    devnet = await startDevnet({ port: 0, ...(artifactsDir ? { artifactsDir } : {}) });
    const usage = devnet.contracts.usage?.address ?? '';
    const billing = devnet.contracts.billing?.address ?? '';
    const as = async (role: 'operator' | 'relayer' | 'alice') => {
      const wallet = await mnemonicSigner(devOnlyAccount(role).mnemonic);
      return { wallet, chain: (await connectDevnet({ url: devnet.url, signer: wallet })) as ChainClient };
    };
    const operator = await as('operator');
    const relayer = await as('relayer');
    const alice = await as('alice');
    await usageClient(operator.chain, usage).registerSigner({
      pubkey: Buffer.from(signer).toString('base64'),
      attestationHash: Buffer.alloc(32, 7).toString('base64'),
      mode: 'tee',
    });
    orgA = String((await billingClient(alice.chain, billing).createOrg('Org A')).orgId);
    orgB = String((await billingClient(alice.chain, billing).createOrg('Org B')).orgId);

    const ts = BigInt(Math.floor(Date.now() / 1000) - 3600);
    const attestations: Attestation[] = Array.from({ length: 12 }, (_, i) => ({
      v: 1,
      signer,
      seq: BigInt(i + 1),
      org: BigInt(i % 2 === 0 ? orgA : orgB),
      bot: BOT,
      ts,
      promptTokens: 20 + i,
      completionTokens: 5 + i,
      reqHash: new Uint8Array(32).fill(i + 1),
      model: 'm',
    }));
    const signed = attestations.map((attestation) => ({
      attestation,
      signature: signAttestation(attestation, key),
    }));
    const hashes = attestations.map((a) => toHex(hashAttestation(a)));
    const settle = usageClient(relayer.chain, usage);
    await settle.submitBatch(encodeSubmitBatch(signed.slice(0, 4)));

    // receipt 0 honest; receipt 1 with org A's line inflated, signed by the registered key
    const honest = buildReceipt(attestations.slice(4, 8));
    const real = buildReceipt(attestations.slice(8, 12));
    const forged: Receipt = {
      ...real,
      lines: real.lines.map((line) =>
        line.org === BigInt(orgA) ? { ...line, promptTokens: line.promptTokens + 500n } : line,
      ),
    };
    const receipts = [honest, forged].map((receipt) =>
      receiptToJson({ receipt, signature: signReceipt(receipt, key) }),
    );
    for (const receipt of [honest, forged]) {
      await settle.submitReceipt(encodeSubmitReceipt({ receipt, signature: signReceipt(receipt, key) }));
    }

    // the relayer's publication, in its documented shapes
    mkdirSync(join(dir, 'pub', 'batches'), { recursive: true });
    mkdirSync(join(dir, 'pub', 'receipts'), { recursive: true });
    writeFileSync(
      join(dir, 'pub', 'batches', '0.json'),
      JSON.stringify({ attestation_hashes: hashes.slice(0, 4) }),
    );
    const headers = receipts.map(
      (r, id): PublishedReceiptHeader => ({
        id: String(id),
        signer: r.signer,
        first_seq: r.first_seq,
        last_seq: r.last_seq,
        count: 4,
        root: r.root,
        receipt_hash: r.hash,
        prompt_tokens: r.lines.reduce((s, l) => s + BigInt(l.prompt_tokens), 0n).toString(),
        completion_tokens: r.lines.reduce((s, l) => s + BigInt(l.completion_tokens), 0n).toString(),
        tx_hash: null,
        height: null,
        origin: 'submitted',
      }),
    );
    headers.forEach((receipt, id) => {
      const first = 4 + id * 4;
      writeFileSync(
        join(dir, 'pub', 'receipts', `${id}.json`),
        JSON.stringify({ receipt, attestation_hashes: hashes.slice(first, first + 4) }),
      );
    });
    const share = (org: string) => {
      const proofs = (first: number, leaves: readonly Attestation[]) =>
        leaves
          .map((a, index) => ({ a, index }))
          .filter(({ a }) => a.org.toString() === org)
          .map(({ a, index }) => ({
            index,
            attestation: attestationToJson(signed[Number(a.seq) - 1] as (typeof signed)[number]),
            proof: merkleProofToJson(
              merkleProof(
                hashes.slice(first, first + leaves.length).map((h) => Buffer.from(h, 'hex')),
                index,
              ),
            ),
          }));
      return {
        org,
        batches: [{ batch: { id: '0' }, attestations: proofs(0, attestations.slice(0, 4)) }],
        receipts: receipts.map(
          (r, id): OrgReceipt => ({
            receipt: headers[id] as PublishedReceiptHeader,
            lines: r.lines.filter((line) => line.org === org),
            attestations: proofs(
              4 + id * 4,
              attestations.slice(4 + id * 4, 8 + id * 4),
            ) as OrgReceipt['attestations'],
          }),
        ),
        next_after: null,
      };
    };
    server = createServer((req, res) => {
      const path = req.url ?? '';
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const file = /^\/(batches|receipts)\/(\d+)$/.exec(path);
      if (req.method === 'GET' && file) {
        try {
          return send(
            200,
            JSON.parse(readFileSync(join(dir, 'pub', file[1] as string, `${file[2]}.json`), 'utf8')),
          );
        } catch {
          return send(404, { error: { code: 'NOT_FOUND', message: 'no such document' } });
        }
      }
      const org = /^\/orgs\/(\d+)\/attestations$/.exec(path);
      if (req.method === 'POST' && org) return send(200, share(org[1] as string));
      send(404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const permit = await signQueryPermit(alice.wallet.wallet, {
      owner: alice.wallet.address,
      chainId: devnet.chainId,
      permitName: 'audit',
      allowedContracts: [usage],
      permissions: ['usage'],
    });
    permitFile = join(dir, 'permit.json');
    writeFileSync(permitFile, JSON.stringify(permit));
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await devnet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes the public audit of the mixed history, listing each receipt and saying what it could not check', async () => {
    const result = await audit(['--chain', devnet.url, '--publication', join(dir, 'pub')]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      'batches checked: 1; receipts checked: 2; attestation hashes checked: 12',
    );
    expect(result.stdout).toContain(`signer ${signerHex}: tee, 1 batch(es), 2 receipt(s)`);
    expect(result.stdout).toMatch(
      new RegExp(
        `receipt 1 signer ${signerHex} seq 9\\.\\.12 \\([0-9a-f]{64}\\): 4 answers, 2 lines, root and count: pass`,
      ),
    );
    expect(result.stdout).toMatch(/not checked: 2 receipt\(s\): .*needs an org's permit/);
  });

  it('passes org B (clean over batches and receipts) and catches the forged delta of org A, naming the receipt', async () => {
    const clean = await audit([
      '--chain',
      devnet.url,
      '--publication',
      url,
      '--permit',
      permitFile,
      '--org',
      orgB,
    ]);
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toContain('org attestations verified (signature and Merkle proof): 6');

    const forged = await audit([
      '--chain',
      devnet.url,
      '--publication',
      url,
      '--permit',
      permitFile,
      '--org',
      orgA,
      '--json',
    ]);
    expect(forged.code, forged.stdout).toBe(1);
    const report = JSON.parse(forged.stdout) as {
      problems: { code: string; message: string; receiptId?: number }[];
      receipts: { id: number; ok: boolean; problems: string[] }[];
    };
    const line = report.problems.find((p) => p.code === 'RECEIPT_LINE_MISMATCH');
    expect(line?.receiptId).toBe(1);
    expect(line?.message).toMatch(
      new RegExp(
        `^receipt 1 \\(signer ${signerHex}, seq 9\\.\\.12\\): org ${orgA}, bot ${BOT}, day \\d+: the receipt says 2 messages, 558 prompt \\+ 28 completion tokens; its leaves sum to 2 messages, 58 prompt`,
      ),
    );
    // the chain counted the forged tokens: the org's counters disagree with its signed answers too
    expect(report.problems.map((p) => p.code)).toContain('COUNTER_MISMATCH');
    expect(report.receipts.map((r) => [r.id, r.ok])).toEqual([
      [0, true],
      [1, false],
    ]);
  });

  it('fails a publication with a missing leaf or a wrong root, naming the receipt', async () => {
    const copy = (name: string, edit: (hashes: string[]) => string[]) => {
      const target = join(dir, name);
      cpSync(join(dir, 'pub'), target, { recursive: true });
      const file = join(target, 'receipts', '0.json');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { attestation_hashes: string[] };
      writeFileSync(file, JSON.stringify({ ...doc, attestation_hashes: edit(doc.attestation_hashes) }));
      return target;
    };
    const missing = await audit(['--chain', devnet.url, '--publication', copy('missing', (h) => h.slice(1))]);
    expect(missing.code, missing.stdout).toBe(1);
    expect(missing.stdout).toContain(
      `[RECEIPT_COUNT_MISMATCH] receipt 0 (signer ${signerHex}, seq 5..8): 3 leaves published for 4 numbers`,
    );
    const wrong = await audit([
      '--chain',
      devnet.url,
      '--publication',
      copy('wrong', (h) => [...h].reverse()),
    ]);
    expect(wrong.code, wrong.stdout).toBe(1);
    expect(wrong.stdout).toMatch(
      new RegExp(
        `\\[RECEIPT_ROOT_MISMATCH\\] receipt 0 \\(signer ${signerHex}, seq 5\\.\\.8\\): the published leaves rebuild root`,
      ),
    );
    expect(wrong.stdout).toContain('receipt 0 signer');
    expect(wrong.stdout).toMatch(/receipt 0 .*FAIL RECEIPT_ROOT_MISMATCH/);
  });
});

describe('the audit CLI over a running relayer that settles batches, then receipts', () => {
  let stack: RelayerStack;
  let gateway: GatewayProcess;
  let relayer: Relayer | undefined;
  let http: Awaited<ReturnType<typeof serveRelayerHttp>> | undefined;
  let publishDir: string;
  let permitFile: string;
  let org: string;

  const start = (settlement: 'v1' | 'v2') => {
    const started = startRelayer({
      relayerId: 'relayer-audit-v2',
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
      onSettled: (kind, id) => void started.then((r) => writeSettledFile(r.store, publishDir, kind, id)),
    });
    return started;
  };

  beforeAll(async () => {
    stack = await startRelayerStack();
    publishDir = join(stack.tempDir, 'publication');
    gateway = await stack.startGateway('gw-audit-v2');
    await stack.registerSigner(gateway.signer, 'tee');
    const alice = await mnemonicSigner(devOnlyAccount('alice').mnemonic);
    const aliceChain = await connectDevnet({ url: stack.devnet.url, signer: alice });
    org = String((await billingClient(aliceChain, stack.billing).createOrg('Receipts audited')).orgId);
    const permit = await signQueryPermit(alice.wallet, {
      owner: alice.address,
      chainId: stack.devnet.chainId,
      permitName: 'audit',
      allowedContracts: [stack.usage],
      permissions: ['usage'],
    });
    permitFile = join(stack.tempDir, 'permit.json');
    writeFileSync(permitFile, JSON.stringify(permit));

    for (let i = 0; i < 8; i++) await gateway.chat(BigInt(org), i);
    relayer = await start('v1');
    const v1 = relayer;
    await waitFor(
      async () => (await v1.store.cursor(gateway.signer)) === 8n,
      20_000,
      'eight settled in batches',
    );
    await v1.stop();
    for (let i = 8; i < 20; i++) await gateway.chat(BigInt(org), i);
    relayer = await start('v2');
    const v2 = relayer;
    await waitFor(async () => (await v2.store.cursor(gateway.signer)) === 20n, 30_000, 'twenty settled');
    http = await serveRelayerHttp(v2, {
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      orgReaders: new OrgReaderGate({
        chain: stack.relayerChain,
        usageContract: stack.usage,
        domain: 'relayer.test',
      }),
    });
  }, 120_000);

  afterAll(async () => {
    await relayer?.stop();
    await http?.close();
    await stack?.close();
  });

  it("passes publicly over HTTP and static files, and with the org's permit, counting every answer once", async () => {
    const receipts = (
      await stack.relayerChain.query<{ total: number }>(stack.usage, { receipts: { start: 0, limit: 1 } })
    ).total;
    expect(receipts).toBeGreaterThan(0);
    for (const publication of [http?.url ?? '', publishDir]) {
      const open = await audit(['--chain', stack.devnet.url, '--publication', publication]);
      expect(open.code, open.stdout).toBe(0);
      expect(open.stdout).toMatch(
        new RegExp(`receipts checked: ${receipts}; attestation hashes checked: 20;`),
      );
    }
    const withPermit = await audit([
      '--chain',
      stack.devnet.url,
      '--publication',
      http?.url ?? '',
      '--permit',
      permitFile,
      '--org',
      org,
      '--json',
    ]);
    expect(withPermit.code, withPermit.stdout).toBe(0);
    const report = JSON.parse(withPermit.stdout) as {
      attestationsVerified: number;
      receipts: { orgsChecked: string[]; ok: boolean }[];
      signerModes: { batches: number; receipts: number }[];
      unchecked: string[];
    };
    expect(report.attestationsVerified).toBe(20);
    expect(report.receipts).toHaveLength(receipts);
    expect(report.receipts.every((r) => r.ok && r.orgsChecked.join() === org)).toBe(true);
    expect(report.signerModes[0]?.batches).toBeGreaterThan(0);
    expect(report.unchecked).toEqual([]);
  });
});
