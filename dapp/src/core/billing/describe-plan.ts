/**
 * What the billing page says about plans and payments, framework-free so it is tested alone:
 * a plan's price and period, whether an org may buy it, what renewal does, and the payment
 * history in rows a person reads (a token payment's deposit and its charge are one row).
 */

import type {
  Asset,
  PaymentEntry,
  PlanResponse,
  SubscriptionResponse,
} from '../contracts/contract-messages.js';
import { assetSymbol, formatAmount } from '../format-amount.js';

const DAY_SECONDS = 86_400;
export const TOKEN_SYMBOL = 'payment tokens';

export function describeAsset(asset: Asset): string {
  return assetSymbol(asset, TOKEN_SYMBOL);
}

export function periodText(periodSeconds: number): string {
  const days = Math.round(periodSeconds / DAY_SECONDS);
  return days === 1 ? 'day' : `${days} days`;
}

export function priceText(plan: Pick<PlanResponse, 'price' | 'period_seconds'>, periods = 1): string {
  const amount = BigInt(plan.price.amount) * BigInt(periods);
  if (amount === 0n) return 'Free';
  return `${formatAmount(amount)} ${describeAsset(plan.price.asset)}`;
}

/** nanoseconds since the epoch (the contract's Timestamp) → a date */
export function dateOf(nanos: string): Date {
  return new Date(Number(BigInt(nanos) / 1_000_000n));
}

export type PlanOffer = { buyable: true } | { buyable: false; reason: string };

/** The contract refuses retired plans and plans restricted to other orgs: they are not buyable here. */
export function planOffer(plan: PlanResponse, orgId: number | undefined): PlanOffer {
  if (plan.retired) return { buyable: false, reason: 'This plan is retired.' };
  if (plan.restricted_to && (orgId === undefined || !plan.restricted_to.includes(orgId)))
    return {
      buyable: false,
      reason: 'Not offered to this org: it is arranged per organization, contact us.',
    };
  return { buyable: true };
}

/** The one sentence on staking versus paying, as the contract applies them. */
export const STAKING_RULE =
  'Pay for a plan or stake SCRT for it: while a paid plan is active it is the plan in force, so a stake only counts once no paid plan is active, and only the owner can stake.';

export function renewalText(subscription: SubscriptionResponse | undefined, plan: PlanResponse): string {
  const paid = subscription?.paid;
  if (paid?.active && paid.plan_id === plan.id) {
    const when = dateOf(paid.paid_until).toLocaleDateString('en-US', { dateStyle: 'medium' });
    return paid.cancel_at_period_end
      ? `Ends on ${when}: it will not renew.`
      : `Renews on ${when} from the prepaid balance.`;
  }
  if (subscription?.via === 'stake' && subscription.plan_id === plan.id)
    return 'Active while the stake stays in place.';
  return '';
}

/** What the confirmation states for subscribing to a plan. */
export function subscribeTerms(plan: PlanResponse, periods: number) {
  const free = BigInt(plan.price.amount) === 0n;
  return {
    amount: free
      ? 'Nothing: this plan is free'
      : `${priceText(plan, periods)} now (${periods} × ${priceText(plan)})`,
    period: `${periods} × ${periodText(plan.period_seconds)}`,
    renewal: free
      ? 'It renews at no charge at the end of each period until you change or cancel it.'
      : `At the end of the paid periods, ${priceText(plan)} is taken from the org's prepaid balance; if the balance is short, the plan ends (nothing is charged to your wallet).`,
  };
}

export interface PaymentRow {
  /** the position of the row's first entry: entries are append-only, so positions are stable */
  key: number;
  height: number;
  time: string;
  title: string;
  /** what left or reached a wallet (the deposit of a token payment), else what was charged */
  amount: string;
  detail: string | undefined;
}

/**
 * A token payment records a deposit (the tokens arriving) and the charge that spends it, in
 * the same block: shown as two rows it reads like a double charge. Entries of one height are
 * one row named after the charge, with the deposit's amount as what was paid.
 */
export function groupPayments(
  entries: PaymentEntry[],
  planName: (id: number) => string | undefined,
): PaymentRow[] {
  const rows: PaymentRow[] = [];
  let position = 0;
  while (position < entries.length) {
    const first = entries[position]!;
    let end = position + 1;
    while (end < entries.length && entries[end]!.height === first.height) end++;
    const group = entries.slice(position, end);
    const charge = group.find((entry) => entry.kind !== 'deposit') ?? first;
    const deposit = group.find((entry) => entry.kind === 'deposit');
    const shown = deposit ?? charge;
    const plan =
      charge.plan_id !== null && charge.plan_id !== undefined ? planName(charge.plan_id) : undefined;
    const title = `${charge.kind.replace(/_/g, ' ')}${charge.periods ? ` × ${charge.periods}` : ''}${plan ? ` (${plan})` : ''}`;
    rows.push({
      key: position,
      height: first.height,
      time: first.time,
      title,
      amount: `${formatAmount(shown.amount)} ${describeAsset(shown.asset)}`,
      detail:
        deposit && charge !== deposit
          ? `paid in and ${formatAmount(charge.amount)} ${describeAsset(charge.asset)} charged at once`
          : undefined,
    });
    position = end;
  }
  return rows.reverse();
}
