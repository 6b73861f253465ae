import { useState } from 'react';
import { dateOf, describeAsset, periodText, priceText } from '../../core/billing/describe-plan.js';
import { checkRenewal } from '../../core/check-renewal.js';
import type {
  AssetAmount,
  PlanResponse,
  SubscriptionResponse,
} from '../../core/contracts/contract-messages.js';
import { BaseError } from '../../core/errors.js';
import { formatAmount, parseAmount } from '../../core/format-amount.js';
import type { Permission } from '../../core/org-permissions.js';
import type { UseConfirmedWriteReturnType } from '../../hooks/use-confirmed-write.js';
import { GuardedButton } from '../guarded-action.js';
import { Empty } from '../query-state.js';

interface SubscriptionCardProps {
  orgId: number;
  subscription: SubscriptionResponse;
  planName: (id: number) => string;
  plans: PlanResponse[];
  confirmed: UseConfirmedWriteReturnType;
  can: { cancel: Permission; deposit: Permission; withdraw: Permission };
}

function statusText(sub: SubscriptionResponse, planName: (id: number) => string): string {
  if (!sub.active || sub.plan_id === null || sub.plan_id === undefined) return 'No active plan.';
  const paid = sub.paid;
  const until = paid?.active
    ? `, paid until ${dateOf(paid.paid_until).toLocaleDateString('en-US', { dateStyle: 'medium' })}`
    : '';
  return `Active: ${planName(sub.plan_id)} via ${sub.via}${until}${paid?.cancel_at_period_end ? ' (cancelled at period end)' : ''}.`;
}

export function SubscriptionCard({
  orgId,
  subscription: sub,
  planName,
  plans,
  confirmed,
  can,
}: SubscriptionCardProps) {
  const [topUp, setTopUp] = useState('');
  let topUpAmount: string | undefined;
  let topUpError: string | undefined;
  if (topUp.trim()) {
    try {
      topUpAmount = parseAmount(topUp);
    } catch (error) {
      topUpError = error instanceof BaseError ? error.shortMessage : 'Not an amount.';
    }
  }
  const renewalAsset = sub.next_renewal?.asset ?? sub.paid?.price.asset;
  const withTopUp: AssetAmount | undefined =
    topUpAmount && renewalAsset ? { asset: renewalAsset, amount: topUpAmount } : undefined;
  const check = checkRenewal(sub, withTopUp);
  const paidPlan = sub.paid ? plans.find((plan) => plan.id === sub.paid?.plan_id) : undefined;
  const busy = confirmed.write.isPending;
  return (
    <div className="card">
      <h2>Subscription and prepaid balance</h2>
      <p data-testid="subscription-status">{statusText(sub, planName)}</p>
      <h3>Prepaid balance</h3>
      {sub.balances.length === 0 ? (
        <Empty>No prepaid balance.</Empty>
      ) : (
        <ul>
          {sub.balances.map((b) => (
            <li key={JSON.stringify(b.asset)}>
              {formatAmount(b.amount)} {describeAsset(b.asset)}
            </li>
          ))}
        </ul>
      )}
      <p
        data-testid="renewal-check"
        className={check.state === 'short' ? 'fail' : check.state === 'covered' ? 'ok' : 'status'}
      >
        {check.state === 'no-renewal'
          ? `Nothing to renew (${check.reason}).`
          : check.state === 'covered'
            ? `The balance covers the next renewal (${formatAmount(check.price.amount)} ${describeAsset(check.price.asset)}).`
            : `The balance does not cover the next renewal: ${formatAmount(check.missing)} ${describeAsset(check.price.asset)} missing.`}
        {withTopUp ? ' (including the top-up below)' : ''}
      </p>
      {renewalAsset ? (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            if (!topUpAmount || !can.deposit.allowed) return;
            const amount = topUpAmount;
            confirmed.request({
              terms: {
                title: 'Top up the prepaid balance',
                amount: `${formatAmount(amount)} ${describeAsset(renewalAsset)}`,
                period: paidPlan
                  ? `Covers renewals of ${paidPlan.name} (${periodText(paidPlan.period_seconds)} each)`
                  : 'Kept until spent or withdrawn',
                renewal: paidPlan
                  ? `Each renewal takes ${priceText(paidPlan)} from this balance; the owner can withdraw what is left.`
                  : 'Nothing renews; the owner can withdraw the balance.',
              },
              call: {
                contract: 'billing',
                name: 'deposit',
                args: { org_id: orgId },
                payment:
                  'token' in renewalAsset
                    ? { token: renewalAsset.token.address, amount }
                    : { native: { denom: renewalAsset.native.denom, amount } },
              },
              onSuccess: () => setTopUp(''),
            });
          }}
        >
          <div>
            <label htmlFor="top-up">Top up ({describeAsset(renewalAsset)})</label>
            <input
              id="top-up"
              data-testid="top-up-amount"
              inputMode="decimal"
              aria-invalid={Boolean(topUpError)}
              aria-describedby={topUpError ? 'top-up-error' : undefined}
              value={topUp}
              onChange={(e) => setTopUp(e.target.value)}
            />
            {topUpError ? (
              <p id="top-up-error" className="fail">
                {topUpError}
              </p>
            ) : null}
          </div>
          <GuardedButton
            type="submit"
            permission={can.deposit}
            data-testid="top-up"
            disabled={!topUpAmount || busy}
          >
            Deposit
          </GuardedButton>
        </form>
      ) : null}
      <div className="row" style={{ marginTop: 12 }}>
        {sub.paid?.active ? (
          <GuardedButton
            className="secondary"
            permission={can.cancel}
            disabled={busy}
            onClick={() => {
              const cancel = !sub.paid?.cancel_at_period_end;
              const until = sub.paid
                ? dateOf(sub.paid.paid_until).toLocaleDateString('en-US', { dateStyle: 'medium' })
                : '';
              confirmed.request({
                terms: {
                  title: cancel ? 'Cancel at period end' : 'Resume the plan',
                  amount: 'Nothing is charged now',
                  period: `The paid period runs until ${until}`,
                  renewal: cancel
                    ? `The plan ends on ${until} and is not renewed; the prepaid balance stays and can be withdrawn.`
                    : `The plan renews on ${until} from the prepaid balance.`,
                },
                call: {
                  contract: 'billing',
                  name: cancel ? 'cancel_subscription' : 'resume_subscription',
                  args: { org_id: orgId },
                },
              });
            }}
          >
            {sub.paid.cancel_at_period_end ? 'Resume' : 'Cancel at period end'}
          </GuardedButton>
        ) : null}
        {sub.balances
          .filter((b) => BigInt(b.amount) > 0n)
          .map((b) => (
            <GuardedButton
              key={JSON.stringify(b.asset)}
              className="secondary"
              permission={can.withdraw}
              disabled={busy}
              onClick={() =>
                confirmed.request({
                  terms: {
                    title: 'Withdraw the prepaid balance',
                    amount: `${formatAmount(b.amount)} ${describeAsset(b.asset)} back to your wallet`,
                    period: 'Now',
                    renewal: sub.next_renewal
                      ? 'The next renewal finds no balance: the plan ends at the end of the paid period.'
                      : 'Nothing renews.',
                  },
                  call: {
                    contract: 'billing',
                    name: 'withdraw_balance',
                    args: { org_id: orgId, asset: b.asset, amount: null },
                  },
                })
              }
            >
              Withdraw {formatAmount(b.amount)} {describeAsset(b.asset)}
            </GuardedButton>
          ))}
      </div>
    </div>
  );
}
