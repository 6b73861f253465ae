/**
 * The deploy logic against the devnet through ChainClient: real wasm, real signatures. Checks
 * the deployment file and that the deployed contracts answer (plans seeded, usage ↔ billing
 * linked, relayer registered), then runs the CLI itself twice (deploy, then keep).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type ChainClient, connectDevnet, devOnlyAccount, mnemonicSigner } from '@privexbot/schema/chain';
import { billingClient, eventAttribute, usageClient } from '@privexbot/schema/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDeployer } from '../../scripts/deploy/connect-deployer.js';
import { deployPlatform } from '../../scripts/deploy/deploy-platform.js';
import {
  type DeploymentFile,
  deploymentEnvironment,
  readDeploymentFile,
  writeDeploymentFile,
} from '../../scripts/deploy/deployment-file.js';
import { resolveNetwork } from '../../scripts/deploy/resolve-network.js';
import { type RunningDevnet, startDevnet } from '../../scripts/devnet/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const artifacts = join(repoRoot, 'contracts', 'artifacts');
const wasm = {
  billing: new Uint8Array(readFileSync(join(artifacts, 'billing.vanilla.wasm'))),
  usage: new Uint8Array(readFileSync(join(artifacts, 'usage.vanilla.wasm'))),
};
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let devnet: RunningDevnet;
let workDir: string;
let chain: ChainClient;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'privexbot-deploy-'));
  devnet = await startDevnet({ dataDir: join(workDir, 'devnet'), port: 0 });
  chain = await connectDeployer(resolveNetwork('devnet', { DEVNET_URL: devnet.url }));
});

afterAll(async () => {
  await devnet?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('deployPlatform on the devnet', () => {
  it('deploys, links and seeds; the deployment file describes contracts that answer', async () => {
    const token = devnet.contracts.token;
    const lines: string[] = [];
    const deployment = await deployPlatform(chain, {
      network: 'devnet',
      wasm,
      secret: false,
      paymentToken: { address: token.address },
      relayers: [devOnlyAccount('relayer').address],
      log: (line) => lines.push(line),
      now: () => new Date('2026-11-22T10:00:00.000Z'),
    });

    const file = join(workDir, 'deployment.json');
    writeDeploymentFile(file, deployment);
    const read = readDeploymentFile(file);
    expect(read).toEqual(deployment);
    expect(read.chainId).toBe(devnet.chainId);
    expect(read.network).toBe('devnet');
    expect(read.deployedAt).toBe('2026-11-22T10:00:00.000Z');
    expect(read.contracts.billing.codeHash).toBe(sha256(wasm.billing));
    expect(read.contracts.usage.codeHash).toBe(sha256(wasm.usage));
    expect(read.contracts.token).toEqual({ address: token.address, codeHash: null });
    // A fresh pair, not the devnet's genesis contracts.
    expect(read.contracts.billing.address).not.toBe(devnet.contracts.billing?.address);
    expect(read.contracts.usage.address).not.toBe(read.contracts.billing.address);

    const billing = billingClient(chain, read.contracts.billing.address);
    const usage = usageClient(chain, read.contracts.usage.address);
    const { plans } = await billing.query('plans', { include_retired: false });
    expect(plans.map((plan) => plan.name)).toEqual(['Free', 'Starter', 'Pro', 'Enterprise']);
    const starter = plans.find((plan) => plan.name === 'Starter');
    expect(starter?.price).toEqual({ asset: { token: { address: token.address } }, amount: '9990000' });
    expect(plans.find((plan) => plan.name === 'Enterprise')?.restricted_to).toHaveLength(1);

    const billingConfig = await billing.query('config', {});
    expect(billingConfig.usage_contract).toBe(read.contracts.usage.address);
    expect(billingConfig.admin).toBe(devOnlyAccount('operator').address);
    expect(billingConfig.accepted_tokens.map((accepted) => accepted.address)).toEqual([token.address]);

    const usageConfig = await usage.query('config', {});
    expect(usageConfig.billing.address).toBe(read.contracts.billing.address);
    const { relayers } = await usage.query('relayers', {});
    expect(relayers).toEqual([devOnlyAccount('relayer').address]);
    expect(lines.some((line) => line.includes('seeded 4 plans'))).toBe(true);
  });

  it('prices plans in the native denom when no payment token is given', async () => {
    const deployment = await deployPlatform(chain, {
      network: 'devnet',
      wasm,
      secret: false,
      relayers: [devOnlyAccount('relayer').address],
    });
    expect(deployment.contracts.token).toBeUndefined();
    const { plans } = await billingClient(chain, deployment.contracts.billing.address).query('plans', {});
    expect(plans.map((plan) => plan.price.asset)).toEqual(Array(4).fill({ native: { denom: 'uscrt' } }));
    const config = await billingClient(chain, deployment.contracts.billing.address).query('config', {});
    expect(config.accepted_tokens).toEqual([]);
    expect(config.native_denom).toBe('uscrt');
  });

  it('the CLI writes the file, then keeps live contracts on a second run', async () => {
    const run = promisify(execFile);
    const out = join(workDir, 'cli-deployment.json');
    const env = { ...process.env, DEVNET_URL: devnet.url };
    const args = ['--import', 'tsx', 'scripts/deploy/main.ts', '--network', 'devnet', '--out', out];
    const first = await run(process.execPath, args, { cwd: repoRoot, env });
    expect(first.stdout).toContain('wrote');
    const written = readDeploymentFile(out);
    expect(written.contracts.token?.address).toBe(devnet.contracts.token.address);
    const second = await run(process.execPath, args, { cwd: repoRoot, env });
    expect(second.stdout).toContain('keeping them');
    expect(readDeploymentFile(out)).toEqual(written);
  });

  it('sets the chain reader’s viewing key on both contracts and hands it to the api, never printing it', async () => {
    const run = promisify(execFile);
    const out = join(workDir, 'reader-deployment.json');
    const env = { ...process.env, DEVNET_URL: devnet.url };
    const args = ['--import', 'tsx', 'scripts/deploy/main.ts', '--network', 'devnet', '--out', out];
    const first = await run(process.execPath, args, { cwd: repoRoot, env });
    const deployment = readDeploymentFile(out);
    const reader = deployment.chainReader;
    // Local networks: the deployer (the devnet's operator) reads, as `npm start` does.
    expect(reader?.address).toBe(devOnlyAccount('operator').address);
    expect(reader?.viewingKey.length).toBeGreaterThanOrEqual(32);
    expect(first.stdout + first.stderr).not.toContain(reader?.viewingKey);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(deploymentEnvironment(deployment)).toMatchObject({
      CHAIN_READER_ADDRESS: reader?.address,
      CHAIN_READER_VIEWING_KEY: reader?.viewingKey,
    });
    // The api's plan read, as the reader of an org that names it auditor: the key works on both.
    const orgId = await orgNamingAuditor(deployment, devOnlyAccount('operator').address);
    expect(await readPlanAndUsage(deployment, orgId, reader?.viewingKey ?? '')).toBe(true);
    expect(await readPlanAndUsage(deployment, orgId, 'not-the-viewing-key')).toBe(false);

    // A file from before the reader existed gets one on the next start; an explicit key rotates it.
    writeDeploymentFile(out, { ...deployment, chainReader: undefined });
    const upgraded = await run(process.execPath, args, { cwd: repoRoot, env });
    expect(upgraded.stdout).toContain('keeping them');
    const added = readDeploymentFile(out).chainReader;
    expect(added?.address).toBe(reader?.address);
    expect(await readPlanAndUsage(deployment, orgId, added?.viewingKey ?? '')).toBe(true);
    const rotatedKey = 'rotated-reader-key-0123456789';
    const rotated = await run(process.execPath, args, {
      cwd: repoRoot,
      env: { ...env, CHAIN_READER_VIEWING_KEY: rotatedKey },
    });
    expect(rotated.stdout).not.toContain(rotatedKey);
    expect(readDeploymentFile(out).chainReader?.viewingKey).toBe(rotatedKey);
    expect(await readPlanAndUsage(deployment, orgId, rotatedKey)).toBe(true);
    expect(await readPlanAndUsage(deployment, orgId, added?.viewingKey ?? '')).toBe(false);
  });
});

/** Alice creates an org on the deployed billing and names `auditor` in it. */
async function orgNamingAuditor(deployment: DeploymentFile, auditor: string): Promise<number> {
  const alice = await connectDevnet({
    url: devnet.url,
    signer: await mnemonicSigner(devOnlyAccount('alice').mnemonic),
  });
  const billing = billingClient(alice, deployment.contracts.billing.address);
  const orgId = Number(
    eventAttribute(await billing.execute('create_org', { name: 'Reader check' }), 'org_id'),
  );
  await billing.execute('add_org_role', { org_id: orgId, role: 'auditor', address: auditor });
  return orgId;
}

/** Reads the org's subscription (billing) and usage (usage) with the reader's viewing key. */
async function readPlanAndUsage(deployment: DeploymentFile, orgId: number, key: string): Promise<boolean> {
  const auth = { viewing_key: { address: devOnlyAccount('operator').address, key } };
  try {
    await billingClient(chain, deployment.contracts.billing.address).query('subscription', {
      org_id: orgId,
      auth,
    });
    await usageClient(chain, deployment.contracts.usage.address).query('org_usage', {
      org_id: orgId,
      from_day: 0,
      to_day: 0,
      auth,
    });
    return true;
  } catch {
    return false;
  }
}
