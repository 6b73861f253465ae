/**
 * Deploys the platform's two contracts over any ChainClient (Secret Network, a CosmWasm chain,
 * or the devnet): upload, instantiate billing then usage, link them, register the relayers,
 * seed the default plans, and describe the result as a deployment file. Chain-specific choices
 * (which wasm, whether code hashes travel in messages) are inputs, so one code path serves all.
 */
import { type ChainClient, NATIVE_DENOM } from '@privexbot/schema/chain';
import { type BillingTypes, eventAttribute, type UsageTypes } from '@privexbot/schema/contracts';
import { DEFAULT_MAX_ORGS_PER_CREATOR, defaultPlans } from '../devnet/deploy-contracts.js';
import type { ContractRecord, DeploymentFile, NetworkName } from './deployment-file.js';

/** A SNIP-20 / cw20 payment token that already exists on the chain. */
export interface PaymentToken {
  address: string;
  /** required on Secret Network (billing registers with it at instantiate) */
  codeHash?: string;
}

export interface DeployPlatformOptions {
  network: NetworkName;
  wasm: { billing: Uint8Array; usage: Uint8Array };
  /** Secret Network: every contract reference carries the callee's code hash */
  secret: boolean;
  /** without one, plans are priced in `nativeDenom` only */
  paymentToken?: PaymentToken;
  nativeDenom?: string;
  /** accounts allowed to submit usage batches */
  relayers: string[];
  /** admin and treasury; default: the deployer */
  operator?: string;
  /** bech32 prefix of account addresses (permits); default `secret` */
  addressPrefix?: string;
  /** 21 days: Secret's unbonding time, so staked coins are back when the cooldown ends */
  unbondingSeconds?: number;
  /** orgs one address may ever create; default DEFAULT_MAX_ORGS_PER_CREATOR */
  maxOrgsPerCreator?: number;
  log?: (line: string) => void;
  now?: () => Date;
}

export class DeployError extends Error {
  override readonly name = 'DeployError';
}

export function billingInstantiateMsg(options: {
  operator: string;
  secret: boolean;
  paymentToken?: PaymentToken;
  nativeDenom: string;
  addressPrefix: string;
  unbondingSeconds: number;
  maxOrgsPerCreator?: number;
}): BillingTypes.InstantiateMsg {
  const { paymentToken } = options;
  if (options.secret && paymentToken && !paymentToken.codeHash) {
    throw new DeployError(`payment token ${paymentToken.address}: a code hash is required on Secret Network`);
  }
  return {
    admin: options.operator,
    treasury: options.operator,
    // On Secret, billing's instantiate sends `register_receive` to each token listed here.
    accepted_tokens: paymentToken
      ? [
          {
            address: paymentToken.address,
            code_hash: options.secret ? (paymentToken.codeHash ?? null) : null,
          },
        ]
      : [],
    native_denom: options.nativeDenom,
    usage_contract: null,
    staking: {
      stake_denom: options.nativeDenom,
      unbonding_seconds: options.unbondingSeconds,
      validator: null,
    },
    address_prefix: options.addressPrefix,
    max_orgs_per_creator: options.maxOrgsPerCreator ?? DEFAULT_MAX_ORGS_PER_CREATOR,
  };
}

export function usageInstantiateMsg(options: {
  operator: string;
  billing: ContractRecord;
  secret: boolean;
  relayers: string[];
  addressPrefix: string;
}): UsageTypes.InstantiateMsg {
  return {
    admin: options.operator,
    billing: {
      address: options.billing.address,
      code_hash: options.secret ? options.billing.codeHash : null,
    },
    relayers: options.relayers,
    max_batch_size: null,
    max_future_skew_secs: null,
    address_prefix: options.addressPrefix,
  };
}

/**
 * The devnet's plan table (one source of truth), re-priced in the native denom when the chain
 * has no payment token: uscrt has 6 decimals like the token, so 9.99 stays 9_990_000.
 */
export function planTable(paymentAsset: { token: string } | { native: string }, enterpriseOrg: number) {
  const plans = defaultPlans('token' in paymentAsset ? paymentAsset.token : '', enterpriseOrg);
  if ('token' in paymentAsset) return plans;
  return plans.map((plan) => ({
    ...plan,
    price: { asset: { native: { denom: paymentAsset.native } }, amount: plan.price.amount },
  }));
}

export async function deployPlatform(
  chain: ChainClient,
  options: DeployPlatformOptions,
): Promise<DeploymentFile> {
  const log = options.log ?? (() => {});
  const deployer = chain.address;
  if (!deployer) throw new DeployError('deploying needs a signing client (set DEPLOYER_MNEMONIC)');
  if (options.relayers.length === 0) throw new DeployError('at least one relayer address is required');
  const operator = options.operator ?? deployer;
  const nativeDenom = options.nativeDenom ?? NATIVE_DENOM;
  const addressPrefix = options.addressPrefix ?? 'secret';

  const upload = async (name: 'billing' | 'usage') => {
    const result = await step(`uploading ${name}`, () => chain.upload(options.wasm[name]));
    log(`uploaded ${name}: code id ${result.codeId}, code hash ${result.codeHash}`);
    return result;
  };
  const billingCode = await upload('billing');
  const usageCode = await upload('usage');

  const billingAddress = await step('instantiating billing', async () =>
    chain.instantiate({
      codeId: billingCode.codeId,
      codeHash: billingCode.codeHash,
      label: label('billing', options),
      admin: operator,
      msg: billingInstantiateMsg({
        operator,
        secret: options.secret,
        ...(options.paymentToken ? { paymentToken: options.paymentToken } : {}),
        nativeDenom,
        addressPrefix,
        unbondingSeconds: options.unbondingSeconds ?? 21 * 24 * 60 * 60,
        ...(options.maxOrgsPerCreator !== undefined ? { maxOrgsPerCreator: options.maxOrgsPerCreator } : {}),
      }),
    }),
  );
  const billing: ContractRecord = {
    address: billingAddress.address,
    codeHash: billingCode.codeHash,
    codeId: billingCode.codeId,
  };
  log(`billing at ${billing.address}`);

  const usageAddress = await step('instantiating usage', () =>
    chain.instantiate({
      codeId: usageCode.codeId,
      codeHash: usageCode.codeHash,
      label: label('usage', options),
      admin: operator,
      msg: usageInstantiateMsg({
        operator,
        billing,
        secret: options.secret,
        relayers: options.relayers,
        addressPrefix,
      }),
    }),
  );
  const usage: ContractRecord = {
    address: usageAddress.address,
    codeHash: usageCode.codeHash,
    codeId: usageCode.codeId,
  };
  log(`usage at ${usage.address}; relayers ${options.relayers.join(', ')}`);

  // Admin messages below need the operator's signature: only possible when it deploys.
  if (operator === deployer) {
    await step('linking billing to usage', () =>
      chain.execute(billing.address, { update_config: { treasury: null, usage_contract: usage.address } }),
    );
    const org = await step('creating the enterprise org', () =>
      chain.execute(billing.address, { create_org: { name: 'Enterprise (operator)' } }),
    );
    const enterpriseOrg = Number(eventAttribute(org, 'org_id'));
    if (!Number.isSafeInteger(enterpriseOrg)) throw new DeployError('create_org returned no org_id');
    const asset = options.paymentToken ? { token: options.paymentToken.address } : { native: nativeDenom };
    for (const plan of planTable(asset, enterpriseOrg)) {
      await step(`creating plan ${plan.name}`, () =>
        chain.execute(billing.address, { create_plan: { plan } }),
      );
    }
    log(`seeded ${planTable(asset, enterpriseOrg).length} plans`);
  } else {
    log(`operator ${operator} is not the deployer: link usage and seed plans from the operator account`);
  }

  return {
    chainId: chain.chainId,
    network: options.network,
    contracts: {
      billing,
      usage,
      ...(options.paymentToken
        ? {
            token: { address: options.paymentToken.address, codeHash: options.paymentToken.codeHash ?? null },
          }
        : {}),
    },
    deployedAt: (options.now?.() ?? new Date()).toISOString(),
  };
}

function label(contract: string, options: DeployPlatformOptions): string {
  // Labels are unique per chain on Secret Network: add the time so a redeploy never collides.
  return `privexbot ${contract} ${(options.now?.() ?? new Date()).toISOString()}`;
}

async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new DeployError(`${what} failed: ${(error as Error).message}`, { cause: error });
  }
}
