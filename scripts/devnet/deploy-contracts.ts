/**
 * The devnet's genesis: deploys the payment token (cw20-base) and, when their vanilla wasm has
 * been built, the billing and usage contracts; seeds the plans; funds the dev accounts.
 * This is the one seam to change when the contracts' instantiate or admin messages change.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getContractDir } from '@oraichain/common-contracts-build';
import { DEV_ONLY_ACCOUNTS, devOnlyAccount, NATIVE_DENOM } from '@privexbot/schema/chain';
import type { SimulatedChain } from './simulated-chain.js';

export interface DeployedContract {
  address: string;
  codeId: number;
  /** SHA-256 of the wasm, hex: the code hash Secret Network would report */
  codeHash: string;
}

export interface Deployment {
  token: DeployedContract;
  billing?: DeployedContract;
  usage?: DeployedContract;
}

/** The payment token has 6 decimals, so 9.99 is 9_990_000. */
export const TOKEN_DECIMALS = 6;
const ONE_TOKEN = 10n ** BigInt(TOKEN_DECIMALS);
const ONE_SCRT = 1_000_000n;
const MB = 1_000_000;
const PERIOD_SECONDS = 30 * 24 * 60 * 60;

/** What each dev account starts with. */
export const DEV_FUNDING = { nativeUscrt: 1_000_000n * ONE_SCRT, tokens: 100_000n * ONE_TOKEN };

/**
 * The plans of the product's pricing page (PRODUCT.md); the operator changes them on chain.
 * Enterprise is priced per org: billing only offers a restricted plan to orgs that exist, so the
 * seed makes one for a demo org of the operator; a real deal gets its own plan (`create_plan`
 * with `restricted_to: [org]`).
 */
export function defaultPlans(tokenAddress: string, enterpriseDemoOrg: number) {
  const price = (amount: bigint) => ({
    asset: { token: { address: tokenAddress } },
    amount: amount.toString(),
  });
  return [
    {
      name: 'Free',
      price: price(0n),
      period_seconds: PERIOD_SECONDS,
      quotas: { messages: 100, bots: 1, knowledge_bytes: 1 * MB },
      stake_amount: null,
      restricted_to: null,
    },
    {
      name: 'Starter',
      price: price(9_990_000n),
      period_seconds: PERIOD_SECONDS,
      quotas: { messages: 5_000, bots: 5, knowledge_bytes: 50 * MB },
      stake_amount: (500n * ONE_SCRT).toString(),
      restricted_to: null,
    },
    {
      name: 'Pro',
      price: price(29_990_000n),
      period_seconds: PERIOD_SECONDS,
      quotas: { messages: 25_000, bots: 25, knowledge_bytes: 500 * MB },
      stake_amount: (1_500n * ONE_SCRT).toString(),
      restricted_to: null,
    },
    {
      name: 'Enterprise',
      price: price(0n),
      period_seconds: PERIOD_SECONDS,
      quotas: { messages: null, bots: null, knowledge_bytes: null },
      stake_amount: null,
      restricted_to: [enterpriseDemoOrg],
    },
  ];
}

/**
 * How many orgs one address may ever create on the billing contract: far above what a team
 * needs, low enough that one address cannot flood the platform's org mirror (the billing
 * README explains why a cap and not a fee).
 */
export const DEFAULT_MAX_ORGS_PER_CREATOR = 50;

export function artifactPath(artifactsDir: string, contract: 'billing' | 'usage'): string {
  return join(artifactsDir, `${contract}.vanilla.wasm`);
}

/**
 * Brings the chain's deployment up to what is built: deploys whatever is missing (everything on
 * a new chain; billing and usage on a chain saved before their wasm existed) and returns the
 * whole deployment. Contracts already deployed are kept, even when their wasm was rebuilt since:
 * `staleContracts` names those, and a new data directory redeploys them.
 */
export async function deployContracts(
  chain: SimulatedChain,
  options: { artifactsDir: string; existing?: Partial<Deployment> },
): Promise<Deployment> {
  const client = chain.client;
  const operator = devOnlyAccount('operator').address;
  const relayer = devOnlyAccount('relayer').address;

  let token = options.existing?.token;
  if (!token) {
    for (const account of DEV_ONLY_ACCOUNTS) {
      client.app.bank.mint(account.address, [
        { denom: NATIVE_DENOM, amount: DEV_FUNDING.nativeUscrt.toString() },
      ]);
    }
    token = await deployWasm(
      chain,
      readFileSync(getContractDir('cw20-base')),
      'privexbot dev payment token',
      {
        name: 'PrivexBot Dev USD',
        symbol: 'PDUSD',
        decimals: TOKEN_DECIMALS,
        initial_balances: DEV_ONLY_ACCOUNTS.map((account) => ({
          address: account.address,
          amount: DEV_FUNDING.tokens.toString(),
        })),
        mint: { minter: operator },
      },
    );
  }
  const deployment: Deployment = { ...options.existing, token };

  const billingWasm = artifactPath(options.artifactsDir, 'billing');
  if (!deployment.billing && existsSync(billingWasm)) {
    deployment.billing = await deployWasm(chain, readFileSync(billingWasm), 'privexbot billing', {
      admin: operator,
      treasury: operator,
      accepted_tokens: [{ address: token.address, code_hash: null }],
      native_denom: NATIVE_DENOM,
      usage_contract: null,
      staking: { stake_denom: NATIVE_DENOM, unbonding_seconds: 21 * 24 * 60 * 60, validator: null },
      max_orgs_per_creator: DEFAULT_MAX_ORGS_PER_CREATOR,
    });
    const demo = await client.execute(
      operator,
      deployment.billing.address,
      { create_org: { name: 'Enterprise demo (dev)' } },
      'auto',
    );
    const demoOrg = Number(
      demo.events.flatMap((event) => event.attributes).find((attribute) => attribute.key === 'org_id')?.value,
    );
    for (const plan of defaultPlans(token.address, demoOrg)) {
      await client.execute(operator, deployment.billing.address, { create_plan: { plan } }, 'auto');
    }
  }

  const usageWasm = artifactPath(options.artifactsDir, 'usage');
  if (!deployment.usage && deployment.billing && existsSync(usageWasm)) {
    deployment.usage = await deployWasm(chain, readFileSync(usageWasm), 'privexbot usage', {
      admin: operator,
      billing: { address: deployment.billing.address, code_hash: null },
      relayers: [relayer],
      max_batch_size: null,
      max_future_skew_secs: null,
      address_prefix: 'secret',
    });
    await client.execute(
      operator,
      deployment.billing.address,
      { update_config: { treasury: null, usage_contract: deployment.usage.address } },
      'auto',
    );
  }
  return deployment;
}

/** Deployed contracts whose built wasm differs from the code on chain. */
export function staleContracts(deployment: Deployment, artifactsDir: string): string[] {
  return (['billing', 'usage'] as const).filter((name) => {
    const deployed = deployment[name];
    const file = artifactPath(artifactsDir, name);
    return deployed && existsSync(file) && sha256Hex(readFileSync(file)) !== deployed.codeHash;
  });
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function deployWasm(
  chain: SimulatedChain,
  wasm: Uint8Array,
  label: string,
  msg: object,
): Promise<DeployedContract> {
  const operator = devOnlyAccount('operator').address;
  try {
    const upload = await chain.client.upload(operator, wasm, 'auto');
    const { contractAddress } = await chain.client.instantiate(
      operator,
      upload.codeId,
      msg as Record<string, unknown>,
      label,
      'auto',
      { admin: operator },
    );
    return { address: contractAddress, codeId: upload.codeId, codeHash: upload.checksum };
  } catch (error) {
    // A genesis that half worked must not be saved: say which contract failed and stop.
    throw new Error(`devnet genesis: deploying "${label}" failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
