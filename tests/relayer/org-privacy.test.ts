import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fromBase64, fromHex } from '@cosmjs/encoding';
import { OrgReaderGate } from '@privexbot/relayer/http/authorize-org-reader';
import { serveRelayerHttp } from '@privexbot/relayer/http/serve-relayer-http';
import { type Relayer, startRelayer } from '@privexbot/relayer/start-relayer';
import {
  attestationFromJson,
  hashAttestation,
  merkleProofFromJson,
  merkleRoot,
  verifyMerkleProof,
} from '@privexbot/schema/attestation';
import {
  type ChainClient,
  connectDevnet,
  devOnlyAccount,
  mnemonicSigner,
  type QueryPermit,
  signQueryPermit,
} from '@privexbot/schema/chain';
import { usageClient } from '@privexbot/schema/contracts';
import { orgReceiptSchema, publicReceiptSchema } from '@privexbot/schema/receipt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_MAIN, FEED_TOKEN, type RelayerStack, startRelayerStack, waitFor } from './relayer-stack.js';

/**
 * An org's usage is private to the org and its auditors (issue 12, item 3), against the devnet
 * executing the real billing and usage wasm: the public reads headers and hashes only; org A's
 * auditor reads A's receipt lines and attestations with Merkle proofs and is refused B's; a permit for another
 * contract or chain, a revoked permit, an expired, reused or forged ADR-36 signature are refused.
 */
const silent = pino({ level: 'silent' });
const run = promisify(execFile);
const PRIVATE_FIELDS = [
  'org',
  'bot',
  'model',
  'ts',
  'req_hash',
  'signature',
  'prompt_tokens',
  'completion_tokens',
];

type Signer = Awaited<ReturnType<typeof mnemonicSigner>>;

describe('org attestations are private to the org and its auditors', () => {
  let stack: RelayerStack;
  let relayer: Relayer;
  let http: Awaited<ReturnType<typeof serveRelayerHttp>>;
  let shortLived: Awaited<ReturnType<typeof serveRelayerHttp>>;
  let orgA: string;
  let orgB: string;
  let bob: Signer;
  let bobChain: ChainClient;
  let alice: Signer;

  const orgId = (tx: { events: { attributes: { key: string; value: string }[] }[] }) =>
    tx.events.flatMap((e) => e.attributes).find((a) => a.key === 'org_id')?.value ?? '';
  const permitOf = (signer: Signer, name: string, contract = stack.usage, chainId = stack.devnet.chainId) =>
    signQueryPermit(signer.wallet, {
      owner: signer.address,
      chainId,
      permitName: name,
      allowedContracts: [contract],
      permissions: ['usage'],
    });
  const readOrg = async (base: string, org: string, auth: unknown) => {
    const response = await fetch(`${base}/orgs/${org}/attestations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(auth === undefined ? {} : { auth }),
    });
    return {
      status: response.status,
      cors: response.headers.get('access-control-allow-origin'),
      body: (await response.json()) as Record<string, any>,
    };
  };
  const signedChallenge = async (base: string, org: string, signer: Signer, as = signer.address) => {
    const challenge = (await (await fetch(`${base}/orgs/${org}/challenge?address=${as}`)).json()) as {
      message: string;
    };
    const signature = await signer.signArbitrary('', challenge.message);
    return {
      adr36: {
        address: as,
        pub_key: signature.pub_key.value,
        signature: signature.signature,
        message: challenge.message,
      },
    };
  };

  beforeAll(async () => {
    stack = await startRelayerStack();
    const gateway = await stack.startGateway('gw-privacy');
    await stack.registerSigner(gateway.signer, 'tee');
    alice = await mnemonicSigner(devOnlyAccount('alice').mnemonic);
    bob = await mnemonicSigner(devOnlyAccount('bob').mnemonic);
    const operator = await mnemonicSigner(devOnlyAccount('operator').mnemonic);
    const aliceChain = await connectDevnet({ url: stack.devnet.url, signer: alice });
    bobChain = await connectDevnet({ url: stack.devnet.url, signer: bob });
    const operatorChain = await connectDevnet({ url: stack.devnet.url, signer: operator });
    orgA = orgId(await aliceChain.execute(stack.billing, { create_org: { name: 'Org A' } }));
    orgB = orgId(await operatorChain.execute(stack.billing, { create_org: { name: 'Org B' } }));
    await aliceChain.execute(stack.billing, {
      add_org_role: { org_id: Number(orgA), role: 'auditor', address: bob.address },
    });
    // Interleaved, so that receipts hold both orgs' answers and lines.
    for (let i = 0; i < 11; i++) await gateway.chat(BigInt(i % 2 === 0 ? orgA : orgB), i);

    relayer = await startRelayer({
      relayerId: 'relayer-privacy',
      gateways: [{ url: gateway.url, token: FEED_TOKEN }],
      chain: stack.relayerChain,
      usageContract: stack.usage,
      pool: stack.newPool(2),
      batchSize: 4,
      batchAgeMs: 100,
      pollIntervalMs: 30,
      reconcileIntervalMs: 60_000,
      leaseTtlMs: 5_000,
      logger: silent,
    });
    const gate = (challengeTtlMs?: number) =>
      new OrgReaderGate({
        chain: stack.relayerChain,
        usageContract: stack.usage,
        domain: 'relayer.privexbot.test',
        ...(challengeTtlMs ? { challengeTtlMs } : {}),
      });
    http = await serveRelayerHttp(relayer, {
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      orgReaders: gate(),
    });
    shortLived = await serveRelayerHttp(relayer, {
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      orgReaders: gate(50),
    });
    await waitFor(async () => (await relayer.store.cursor(gateway.signer)) === 11n, 20_000, 'eleven relayed');
  });
  afterAll(async () => {
    await relayer?.stop();
    await http?.close();
    await shortLived?.close();
    await stack?.close();
  });

  it('an outsider rebuilds every root and checks every count and sum, and receives no line, org, bot, model or token field', async () => {
    const chain = usageClient(stack.relayerChain, stack.usage);
    const { receipts: headers } = await chain.query('receipts', { start: 0, limit: 100 });
    expect(headers.map((h) => Number(h.answers))).toEqual([4, 4, 3]);
    // no answer of this run was settled as a v1 batch
    expect((await chain.query('batches', { start: 0, limit: 100 })).batches).toEqual([]);
    for (const header of headers) {
      const response = await fetch(`${http.url}/receipts/${header.id}`);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const body = publicReceiptSchema.parse(await response.json());
      expect(body.attestation_hashes).toHaveLength(Number(header.answers));
      expect(Buffer.from(merkleRoot(body.attestation_hashes.map((h) => fromHex(h)))).toString('base64')).toBe(
        header.root,
      );
      // The receipt's token sums are the chain's public header; nothing per answer, org or line.
      expect(body.receipt).toMatchObject({
        prompt_tokens: header.prompt_tokens,
        completion_tokens: header.completion_tokens,
      });
      for (const field of [...PRIVATE_FIELDS.filter((f) => !f.endsWith('_tokens')), 'lines'])
        expect(body.receipt).not.toHaveProperty(field);
      expect(JSON.stringify(body.attestation_hashes)).not.toMatch(/org|bot|model|token/);
    }
    // The audit CLI, public: roots, counts, sequences and totals; the signer is a TEE key, so no flag is needed.
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', AUDIT_MAIN, '--chain', stack.devnet.url, '--publication', http.url],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)), timeout: 60_000 },
    );
    expect(stdout).toMatch(/signer [0-9a-f]{66}: tee, 0 batch\(es\), 3 receipt\(s\)/);
    expect(stdout).toContain('receipts checked: 3; attestation hashes checked: 11');
    expect(stdout).toContain('OK: every counted batch and receipt');
  });

  it("org A's auditor gets A's attestations with proofs against the chain's roots, and is refused B's", async () => {
    const permit = await permitOf(bob, 'audit-a');
    const a = await readOrg(http.url, orgA, { permit });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.cors).toBeNull();
    const receipts = orgReceiptSchema.array().parse(a.body.receipts);
    expect(receipts).toHaveLength(3);
    const entries = receipts.flatMap((r) =>
      r.attestations.map((e) => ({ ...e, receiptId: Number(r.receipt.id) })),
    );
    expect(entries).toHaveLength(6);
    expect(entries.every((e) => e.attestation.org === orgA)).toBe(true);
    // A's lines only, and they sum to A's attestations: 6 answers.
    const lines = receipts.flatMap((r) => r.lines);
    expect(lines.every((l) => l.org === orgA)).toBe(true);
    expect(lines.reduce((n, l) => n + Number(l.messages), 0)).toBe(6);
    const chain = usageClient(stack.relayerChain, stack.usage);
    for (const entry of entries) {
      const header = await chain.query('receipt', { id: entry.receiptId });
      const hash = hashAttestation(attestationFromJson(entry.attestation).attestation);
      expect(verifyMerkleProof(hash, merkleProofFromJson(entry.proof), fromBase64(header.root))).toBe(true);
    }
    const b = await readOrg(http.url, orgB, { permit });
    expect(b.status).toBe(403);
    expect(b.cors).toBeNull();
    expect(b.body.error).toMatchObject({ code: 'PERMIT_REFUSED' });
    expect(b.body.error.message).toMatch(`may not read the usage of org ${orgB}`);
    expect(JSON.stringify(b.body)).not.toContain('"attestations"');

    // The same by ADR-36: a challenge of this relayer, then the billing contract's roles.
    const bySignature = await readOrg(http.url, orgA, await signedChallenge(http.url, orgA, bob));
    expect(bySignature.status, JSON.stringify(bySignature.body)).toBe(200);
    expect((bySignature.body.receipts as unknown[]).length).toBe(receipts.length);
    const refused = await readOrg(http.url, orgB, await signedChallenge(http.url, orgB, bob));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'NOT_ORG_READER' });

    // The audit CLI with the permit: A's attestations one by one, summed against the private counters.
    const permitFile = join(stack.tempDir, 'bob-permit.json');
    writeFileSync(permitFile, JSON.stringify(permit));
    const cwd = fileURLToPath(new URL('../..', import.meta.url));
    const args = ['--import', 'tsx', AUDIT_MAIN, '--chain', stack.devnet.url, '--publication', http.url];
    const { stdout } = await run(process.execPath, [...args, '--permit', permitFile, '--org', orgA], {
      cwd,
      timeout: 60_000,
    });
    expect(stdout).toContain('org attestations verified (signature and Merkle proof): 6');
    expect(stdout).toMatch(
      new RegExp(`receipt \\d+ .*: 4 answers, \\d+ lines, lines of org ${orgA} summed: pass`),
    );
    expect(stdout).toContain('OK: every counted batch and receipt');
    const other = await run(process.execPath, [...args, '--permit', permitFile, '--org', orgB], {
      cwd,
      timeout: 60_000,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(other).toMatchObject({ code: 2 });
    expect((other as { stderr: string }).stderr).toMatch(
      /the relayer refused org \d+'s attestations \(PERMIT_REFUSED/,
    );
  });

  it('refuses a permit for another contract or chain, a revoked permit, and missing, expired, reused or forged signatures', async () => {
    const other = await readOrg(http.url, orgA, {
      permit: await permitOf(bob, 'billing-only', stack.billing),
    });
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: 'PERMIT_REFUSED' });
    expect(other.body.error.message).toMatch(/not valid for this contract/);

    const mainnet = await readOrg(http.url, orgA, {
      permit: await permitOf(bob, 'mainnet', stack.usage, 'secret-4'),
    });
    expect(mainnet.status).toBe(403);
    expect(mainnet.body.error.message).toMatch(/signed for chain secret-4/);

    const revocable: QueryPermit = await permitOf(bob, 'to-revoke');
    expect((await readOrg(http.url, orgA, { permit: revocable })).status).toBe(200);
    await bobChain.execute(stack.usage, { revoke_permit: { permit_name: 'to-revoke' } });
    const revoked = await readOrg(http.url, orgA, { permit: revocable });
    expect(revoked.status).toBe(403);
    expect(revoked.body.error).toMatchObject({ code: 'PERMIT_REVOKED' });

    const none = await readOrg(http.url, orgA, undefined);
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'AUTH_REQUIRED' });
    const malformed = await readOrg(http.url, orgA, { permit: { params: 1 } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'auth' } });

    const expiring = await signedChallenge(shortLived.url, orgA, bob);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const expired = await readOrg(shortLived.url, orgA, expiring);
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({
      code: 'CHALLENGE_REFUSED',
      message: expect.stringMatching(/expired/),
    });

    // Alice signs a challenge issued to bob: the key does not derive bob's address.
    const forged = await signedChallenge(http.url, orgA, alice, bob.address);
    const forgedAnswer = await readOrg(http.url, orgA, forged);
    expect(forgedAnswer.status).toBe(401);
    expect(forgedAnswer.body.error).toMatchObject({ code: 'INVALID_SIGNATURE' });
    // A message edited after signing (another org) does not verify either.
    const honest = await signedChallenge(http.url, orgA, bob);
    const edited = {
      adr36: { ...honest.adr36, message: honest.adr36.message.replace(`Org: ${orgA}`, `Org: ${orgB}`) },
    };
    expect((await readOrg(http.url, orgB, edited)).body.error).toMatchObject({ code: 'CHALLENGE_REFUSED' });
    expect((await readOrg(http.url, orgA, honest)).status).toBe(200);
    const reused = await readOrg(http.url, orgA, honest);
    expect(reused.status).toBe(401);
    expect(reused.body.error.message).toMatch(/unknown or already used/);
    expect(honest.adr36.message).toMatch(/^relayer\.privexbot\.test asks you to prove/);
  });
});
