/**
 * The contracts the dapp calls, typed from the generated message unions of
 * `@privexbot/schema/contracts`: a call names a contract and one of its messages, and the
 * arguments and the answer follow from the name. Nothing here is written by hand per message.
 */
import type { BillingTypes, UsageTypes, VariantArgs, VariantName } from '@privexbot/schema/contracts';

export interface ContractMessages {
  billing: {
    execute: BillingTypes.ExecuteMsg;
    query: BillingTypes.QueryMsg;
    responses: BillingTypes.BillingMessages['responses'];
  };
  usage: {
    execute: UsageTypes.ExecuteMsg;
    query: UsageTypes.QueryMsg;
    responses: UsageTypes.UsageMessages['responses'];
  };
}

export type TypedContractName = keyof ContractMessages;
export type ReadName<C extends TypedContractName> = VariantName<ContractMessages[C]['query']> &
  keyof ContractMessages[C]['responses'];
/** A private query's `auth` is not an argument: the action adds the connected account's permit. */
export type ReadArgs<C extends TypedContractName, N extends string> = Omit<
  VariantArgs<ContractMessages[C]['query'], N>,
  'auth'
>;
export type ReadResult<
  C extends TypedContractName,
  N extends ReadName<C>,
> = ContractMessages[C]['responses'][N];
export type WriteName<C extends TypedContractName> = VariantName<ContractMessages[C]['execute']>;
export type WriteArgs<C extends TypedContractName, N extends string> = VariantArgs<
  ContractMessages[C]['execute'],
  N
>;

/** Queries answered only with `auth` (a permit of an account the contract lets read them). */
const privateQueries: { [C in TypedContractName]: readonly ReadName<C>[] } = {
  billing: ['subscription', 'payment_history', 'stake'],
  usage: ['org_usage', 'bot_usage', 'org_bots'],
};

export function isPrivateQuery(contract: TypedContractName, name: string): boolean {
  return (privateQueries[contract] as readonly string[]).includes(name);
}

export type Asset = BillingTypes.Asset;
export type AssetAmount = BillingTypes.AssetAmount;
export type Role = BillingTypes.Role;
export type PlanResponse = BillingTypes.PlanResponse;
export type SubscriptionResponse = BillingTypes.SubscriptionResponse;
export type PaymentEntry = BillingTypes.PaymentEntry;
export type OrgResponse = BillingTypes.OrgResponse;
export type OrgMembership = BillingTypes.OrgMembership;
export type UsageResponse = UsageTypes.UsageResponse;

export function sameAsset(a: Asset, b: Asset): boolean {
  if ('token' in a && 'token' in b) return a.token.address === b.token.address;
  if ('native' in a && 'native' in b) return a.native.denom === b.native.denom;
  return false;
}
