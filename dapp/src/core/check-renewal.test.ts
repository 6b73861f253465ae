import { describe, expect, it } from 'vitest';
import { checkRenewal } from './check-renewal.js';
import type { SubscriptionResponse } from './contracts/contract-messages.js';

const token = { token: { address: 'secret1token' } };
const scrt = { native: { denom: 'uscrt' } };

function subscription(overrides: Partial<SubscriptionResponse>): SubscriptionResponse {
  return {
    org_id: 1,
    active: true,
    plan_id: 2,
    via: 'payment',
    quotas: null,
    paid: null,
    balances: [],
    next_renewal: { asset: token, amount: '9990000' },
    covers_next_renewal: false,
    ...overrides,
  };
}

describe('checkRenewal', () => {
  it('is short when the balance in the renewal asset is below the price', () => {
    const check = checkRenewal(
      subscription({
        balances: [
          { asset: token, amount: '5000000' },
          { asset: scrt, amount: '99999999' },
        ],
      }),
    );
    expect(check).toMatchObject({ state: 'short', balance: 5_000_000n, missing: 4_990_000n });
  });

  it('counts a top-up being typed, but only in the renewal asset', () => {
    const sub = subscription({ balances: [{ asset: token, amount: '5000000' }] });
    expect(checkRenewal(sub, { asset: token, amount: '4990000' }).state).toBe('covered');
    expect(checkRenewal(sub, { asset: scrt, amount: '100000000' }).state).toBe('short');
  });

  it('says when there is nothing to renew', () => {
    expect(checkRenewal(subscription({ next_renewal: null }))).toEqual({
      state: 'no-renewal',
      reason: 'no subscription',
    });
  });
});
