/**
 * The billing contract's JSON as the dapp reads it (contracts/billing/src/msg.rs). To be
 * replaced by the generated types of `@privexbot/schema/contracts` once they are published;
 * only the fields the pages use are listed.
 */
export type Asset = { token: { address: string } } | { native: { denom: string } };
export interface AssetAmount {
  asset: Asset;
  amount: string;
}
export interface Quotas {
  messages: number | null;
  bots: number | null;
  knowledge_bytes: number | null;
}
export type Role = 'admin' | 'member' | 'auditor';

export interface OrgMembership {
  org_id: number;
  name: string;
  is_owner: boolean;
  is_pending_owner: boolean;
  roles: Role[];
}
export interface OrgResponse {
  id: number;
  name: string;
  owner: string;
  admins: string[];
  members: string[];
  auditors: string[];
  pending_owner: string | null;
}
export interface PlanResponse {
  id: number;
  name: string;
  price: AssetAmount;
  period_seconds: number;
  quotas: Quotas;
  stake_amount: string | null;
  restricted_to: number[] | null;
  retired: boolean;
}
export interface PaidSubscription {
  plan_id: number;
  price: AssetAmount;
  period_seconds: number;
  /** nanoseconds since the epoch */
  paid_until: string;
  active: boolean;
  cancel_at_period_end: boolean;
  next_plan_id: number | null;
}
export interface SubscriptionResponse {
  org_id: number;
  active: boolean;
  plan_id: number | null;
  via: 'payment' | 'stake' | null;
  quotas: Quotas | null;
  paid: PaidSubscription | null;
  balances: AssetAmount[];
  next_renewal: AssetAmount | null;
  covers_next_renewal: boolean;
}
export type PaymentKind =
  | 'deposit'
  | 'subscribe'
  | 'renewal'
  | 'plan_change'
  | 'withdrawal'
  | 'stake'
  | 'unstake'
  | 'stake_withdrawal';
export interface PaymentEntry {
  kind: PaymentKind;
  asset: Asset;
  amount: string;
  account: string | null;
  plan_id: number | null;
  periods: number | null;
  time: string;
  height: number;
}
export interface PaymentHistoryResponse {
  entries: PaymentEntry[];
  total: number;
}
export interface StakeResponse {
  org_id: number;
  plan_id: number | null;
  amount: string;
  required: string;
  active: boolean;
  unbonding: { amount: string; release_at: string }[];
}
export interface BillingConfigResponse {
  native_denom: string | null;
  stake_denom: string;
  unbonding_seconds: number;
  accepted_tokens: { address: string; code_hash: string | null }[];
}

export function sameAsset(a: Asset, b: Asset): boolean {
  if ('token' in a && 'token' in b) return a.token.address === b.token.address;
  if ('native' in a && 'native' in b) return a.native.denom === b.native.denom;
  return false;
}
