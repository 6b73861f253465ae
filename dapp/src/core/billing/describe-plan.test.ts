import { describe, expect, it } from 'vitest';
import type { PaymentEntry, PlanResponse } from '../contracts/contract-messages.js';
import { groupPayments, planOffer } from './describe-plan.js';

const token = { token: { address: 'secret1token' } };
const entry = (
  kind: PaymentEntry['kind'],
  amount: string,
  height: number,
  extra: Partial<PaymentEntry> = {},
) => ({
  kind,
  amount,
  height,
  asset: token,
  time: `${height}000000000`,
  ...extra,
});

describe('groupPayments', () => {
  it('shows a deposit and the charge of the same block as one row, newest first', () => {
    const rows = groupPayments(
      [
        entry('deposit', '9990000', 10),
        entry('subscribe', '9990000', 10, { plan_id: 2, periods: 1 }),
        entry('deposit', '5000000', 12),
      ],
      (id) => (id === 2 ? 'Starter' : undefined),
    );
    expect(rows.map(({ title, amount, detail }) => ({ title, amount, detail }))).toEqual([
      { title: 'deposit', amount: '5 payment tokens', detail: undefined },
      {
        title: 'subscribe × 1 (Starter)',
        amount: '9.99 payment tokens',
        detail: 'paid in and 9.99 payment tokens charged at once',
      },
    ]);
  });
});

describe('planOffer', () => {
  const plan = (extra: Partial<PlanResponse>): PlanResponse => ({
    id: 4,
    name: 'Enterprise',
    period_seconds: 2_592_000,
    price: { asset: token, amount: '0' },
    quotas: { bots: null, messages: null, knowledge_bytes: null },
    retired: false,
    ...extra,
  });
  it('does not sell a plan restricted to other orgs, nor a retired one', () => {
    expect(planOffer(plan({ restricted_to: [1] }), 2)).toMatchObject({ buyable: false });
    expect(planOffer(plan({ restricted_to: [1] }), 1)).toEqual({ buyable: true });
    expect(planOffer(plan({ retired: true }), 1)).toEqual({
      buyable: false,
      reason: 'This plan is retired.',
    });
  });
});
