/**
 * The contracts' genesis on the devnet and the typed clients against the real billing and
 * usage wasm. Runs when `contracts/artifacts/*.vanilla.wasm` are built (npm test builds them);
 * vitest reports it as skipped before.
 */
import { createECDH } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Attestation,
  encodeSubmitBatch,
  generateSignerKey,
  hashAttestation,
  merkleRoot,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import {
  connectDevnet,
  type DevnetChainClient,
  devOnlyAccount,
  mnemonicSigner,
  signQueryPermit,
} from '@privexbot/schema/chain';
import { billingClient, usageClient } from '@privexbot/schema/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, DEFAULT_MAX_ORGS_PER_CREATOR, staleContracts } from './deploy-contracts.js';
import { type RunningDevnet, startDevnet } from './index.js';

// PRIVEXBOT_ARTIFACTS_DIR points the tests at wasm built elsewhere (default contracts/artifacts).
const artifactsDir =
  process.env.PRIVEXBOT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../../contracts/artifacts', import.meta.url));
const built =
  existsSync(artifactPath(artifactsDir, 'billing')) && existsSync(artifactPath(artifactsDir, 'usage'));

describe.runIf(built)('billing and usage on the devnet', () => {
  let devnet: RunningDevnet;
  let alice: DevnetChainClient;
  let operator: DevnetChainClient;
  let billingAddress: string;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0, artifactsDir });
    alice = await connectDevnet({
      url: devnet.url,
      signer: await mnemonicSigner(devOnlyAccount('alice').mnemonic),
    });
    operator = await connectDevnet({
      url: devnet.url,
      signer: await mnemonicSigner(devOnlyAccount('operator').mnemonic),
    });
    billingAddress = devnet.contracts.billing?.address as string;
  });
  afterAll(() => devnet?.close());

  it('seeds the plans of the pricing page, priced in the 6-decimal payment token', async () => {
    const { plans } = await billingClient(alice, billingAddress).query('plans', {});
    const byName = Object.fromEntries(plans.map((plan) => [plan.name, plan]));
    expect(Object.keys(byName)).toEqual(['Free', 'Starter', 'Pro', 'Enterprise']);
    expect(byName.Starter?.price).toEqual({
      asset: { token: { address: devnet.contracts.token.address } },
      amount: '9990000',
    });
    expect(byName.Pro?.price.amount).toBe('29990000');
    expect(byName.Starter?.quotas).toEqual({ messages: 5000, bots: 5, knowledge_bytes: 50_000_000 });
    expect(byName.Starter?.stake_amount).toBe('500000000');
    expect(byName.Enterprise?.quotas).toEqual({ messages: null, bots: null, knowledge_bytes: null });
    expect(byName.Free?.period_seconds).toBe(30 * 24 * 3600);
  });

  it('wires usage to billing and allows the dev relayer', async () => {
    const usage = usageClient(alice, devnet.contracts.usage?.address as string);
    expect((await usage.query('relayers', {})).relayers).toEqual([devOnlyAccount('relayer').address]);
    expect((await usage.query('config', {})).billing.address).toBe(billingAddress);
    expect((await billingClient(alice, billingAddress).query('config', {})).usage_contract).toBe(
      devnet.contracts.usage?.address,
    );
  });

  it('a subscription paid with a cw20 send is active, and the payment moved exactly once', async () => {
    const billing = billingClient(alice, billingAddress);
    const { orgId } = await billing.createOrg('Acme');
    const starter = (await billing.query('plans', {})).plans.find((plan) => plan.name === 'Starter');
    const before = BigInt(await alice.tokenBalance(devnet.contracts.token.address, alice.address as string));
    await billing.subscribe({
      org_id: orgId,
      plan_id: starter?.id as number,
      periods: 1,
      payment: { token: devnet.contracts.token.address, amount: '9990000' },
    });
    // private queries take a SNIP-24 permit signed by an org owner, admin or auditor
    const aliceWallet = (await mnemonicSigner(devOnlyAccount('alice').mnemonic)).wallet;
    const permit = await signQueryPermit(aliceWallet, {
      owner: alice.address as string,
      chainId: devnet.chainId,
      permitName: 'dashboard',
      allowedContracts: [billingAddress],
      permissions: ['billing'],
    });
    const auth = { permit: permit as never };
    const subscription = await billing.query('subscription', { org_id: orgId, auth });
    expect(subscription).toMatchObject({ active: true, plan_id: starter?.id, via: 'payment' });
    expect(BigInt(await alice.tokenBalance(devnet.contracts.token.address, alice.address as string))).toBe(
      before - 9_990_000n,
    );
    const history = await billing.query('payment_history', { org_id: orgId, auth });
    expect(history.entries.map((entry) => entry.kind)).toContain('subscribe');
  });

  it('caps the orgs one address creates: the 11th under a cap of 10 is refused, another address still creates', async () => {
    const bob = await connectDevnet({
      url: devnet.url,
      signer: await mnemonicSigner(devOnlyAccount('bob').mnemonic),
    });
    const asOperator = billingClient(operator, billingAddress);
    expect((await asOperator.query('config', {})).max_orgs_per_creator).toBe(DEFAULT_MAX_ORGS_PER_CREATOR);
    const setCap = (cap: number) =>
      asOperator.execute('update_config', {
        treasury: null,
        usage_contract: null,
        max_orgs_per_creator: cap,
      });
    await expect(
      billingClient(bob, billingAddress).execute('update_config', { max_orgs_per_creator: 1_000 }),
    ).rejects.toMatchObject({ code: 'CONTRACT_ERROR', contractMessage: 'unauthorized' });
    await setCap(10);
    try {
      const asBob = billingClient(bob, billingAddress);
      for (let i = 1; i <= 10; i++) await asBob.createOrg(`Bob ${i}`);
      const countBefore = (await asBob.query('find_org', { id: 1 })).org_count;
      await expect(asBob.createOrg('Bob 11')).rejects.toMatchObject({
        code: 'CONTRACT_ERROR',
        contractMessage: `${bob.address} has already created 10 orgs, the most one address may create`,
      });
      // Refused means nothing changed: no id spent, and bob is in exactly his ten orgs.
      expect((await asBob.query('find_org', { id: 1 })).org_count).toBe(countBefore);
      expect((await asBob.query('orgs_of', { address: bob.address as string })).total).toBe(10);
      const { orgId } = await billingClient(alice, billingAddress).createOrg('Alice after the cap');
      expect(orgId).toBe(countBefore + 1);
    } finally {
      await setCap(DEFAULT_MAX_ORGS_PER_CREATOR);
    }
  });

  it('lets the operator register a gateway signer, and refuses anyone else', async () => {
    const usageAddress = devnet.contracts.usage?.address as string;
    const gatewayKey = createECDH('secp256k1');
    gatewayKey.generateKeys();
    const pubkey = gatewayKey.getPublicKey(null, 'compressed').toString('base64');
    const attestationHash = Buffer.alloc(32, 7).toString('base64');
    await expect(
      usageClient(alice, usageAddress).registerSigner({ pubkey, attestationHash, mode: 'dev' }),
    ).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
    await usageClient(operator, usageAddress).registerSigner({ pubkey, attestationHash, mode: 'dev' });
    expect(await usageClient(alice, usageAddress).lastSeq(pubkey)).toBe(0n);
  });

  it('counts a batch of gateway-signed attestations submitted by the dev relayer, exactly once', async () => {
    const usageAddress = devnet.contracts.usage?.address as string;
    const relayer = await connectDevnet({
      url: devnet.url,
      signer: await mnemonicSigner(devOnlyAccount('relayer').mnemonic),
    });
    const gatewayKey = generateSignerKey();
    const signer = signerPublicKey(gatewayKey);
    const signerBase64 = Buffer.from(signer).toString('base64');
    await usageClient(operator, usageAddress).registerSigner({
      pubkey: signerBase64,
      attestationHash: Buffer.alloc(32, 1).toString('base64'),
      mode: 'dev',
    });
    const { orgId } = await billingClient(alice, billingAddress).createOrg('Counted');
    const now = BigInt(Math.floor(Date.now() / 1000));
    const attestations: Attestation[] = [1n, 2n, 3n].map((seq) => ({
      v: 1,
      signer,
      seq,
      org: BigInt(orgId),
      bot: '7b0c6a3e-5f1d-4c2a-9e8b-1d2c3b4a5f60',
      ts: now,
      promptTokens: 10 * Number(seq),
      completionTokens: 5,
      reqHash: new Uint8Array(32).fill(Number(seq)),
      model: 'offline-answerer',
    }));
    const batch = encodeSubmitBatch(
      attestations.map((attestation) => ({
        attestation,
        signature: signAttestation(attestation, gatewayKey),
      })),
    );
    const usage = usageClient(relayer, usageAddress);
    await usage.submitBatch(batch);
    expect(await usage.lastSeq(signerBase64)).toBe(3n);
    // the same batch again: the sequence moved on, so it is refused and nothing is added
    await expect(usage.submitBatch(batch)).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
    const { batches } = await usage.query('batches', { start: null, limit: null });
    const header = batches.find((candidate) => candidate.signer === signerBase64);
    expect(header).toMatchObject({ first_seq: '1', last_seq: '3', count: 3, prompt_tokens: '60' });
    expect(header?.merkle_root).toBe(
      Buffer.from(merkleRoot(attestations.map(hashAttestation))).toString('base64'),
    );

    const aliceWallet = (await mnemonicSigner(devOnlyAccount('alice').mnemonic)).wallet;
    const permit = await signQueryPermit(aliceWallet, {
      owner: alice.address as string,
      chainId: devnet.chainId,
      permitName: 'usage-dashboard',
      allowedContracts: [usageAddress],
      permissions: ['usage'],
    });
    const day = Number(now / 86_400n);
    const orgUsage = await usage.query('org_usage', {
      org_id: orgId,
      from_day: day,
      to_day: day,
      auth: { permit: permit as never },
    });
    expect(orgUsage.total).toEqual({ messages: '3', prompt_tokens: '60', completion_tokens: '15' });
  });
});

describe.runIf(built)('contracts that land after the chain was created', () => {
  it('are deployed at the next start, keeping the saved chain; a rebuilt wasm is reported stale', async () => {
    const root = mkdtempSync(join(tmpdir(), 'privexbot-devnet-late-'));
    const dataDir = join(root, 'data');
    const lateArtifacts = join(root, 'artifacts');
    mkdirSync(lateArtifacts);
    try {
      const first = await startDevnet({ dataDir, port: 0, artifactsDir: lateArtifacts });
      expect(Object.keys(first.contracts)).toEqual(['token']);
      await first.close();

      for (const name of ['billing', 'usage'] as const) {
        copyFileSync(artifactPath(artifactsDir, name), artifactPath(lateArtifacts, name));
      }
      const lines: string[] = [];
      const second = await startDevnet({
        dataDir,
        port: 0,
        artifactsDir: lateArtifacts,
        log: (line) => lines.push(line),
      });
      expect(second.deployed).toBe(false);
      expect(second.contracts.token.address).toBe(first.contracts.token.address);
      expect(second.contracts.billing && second.contracts.usage).toBeTruthy();
      expect(lines.some((line) => line.startsWith('deployed billing, usage'))).toBe(true);
      await second.close();

      copyFileSync(artifactPath(artifactsDir, 'usage'), artifactPath(lateArtifacts, 'billing'));
      expect(staleContracts(second.contracts, lateArtifacts)).toEqual(['billing']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
