/**
 * "Does the prepaid balance cover the next renewal?" answered before the user signs: with the
 * contract's own answer for the current balance, and recomputed for a top-up being typed.
 */
import { type AssetAmount, type SubscriptionResponse, sameAsset } from './contracts/contract-messages.js';

export type RenewalCheck =
  | { state: 'no-renewal'; reason: 'no subscription' | 'cancelled or lapsed' }
  | { state: 'covered'; balance: bigint; price: AssetAmount }
  | { state: 'short'; balance: bigint; price: AssetAmount; missing: bigint };

export function checkRenewal(subscription: SubscriptionResponse, topUp?: AssetAmount): RenewalCheck {
  const price = subscription.next_renewal;
  if (!price)
    return { state: 'no-renewal', reason: subscription.paid ? 'cancelled or lapsed' : 'no subscription' };
  const held = subscription.balances.find((entry) => sameAsset(entry.asset, price.asset));
  let balance = BigInt(held?.amount ?? '0');
  if (topUp && sameAsset(topUp.asset, price.asset)) balance += BigInt(topUp.amount);
  const needed = BigInt(price.amount);
  if (balance >= needed) return { state: 'covered', balance, price };
  return { state: 'short', balance, price, missing: needed - balance };
}
