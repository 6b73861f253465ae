import type { Payment } from '@privexbot/schema/contracts';
import { useState } from 'react';
import type { WriteContractParameters } from '../../core/actions/write-contract.js';
import {
  periodText,
  planOffer,
  priceText,
  renewalText,
  STAKING_RULE,
  subscribeTerms,
} from '../../core/billing/describe-plan.js';
import type { PlanResponse, SubscriptionResponse } from '../../core/contracts/contract-messages.js';
import { formatAmount } from '../../core/format-amount.js';
import type { Permission } from '../../core/org-permissions.js';
import type { UseConfirmedWriteReturnType } from '../../hooks/use-confirmed-write.js';
import { useReadContract } from '../../hooks/use-read-contract.js';
import { GuardedButton } from '../guarded-action.js';
import { QueryState } from '../query-state.js';

interface PlanListProps {
  orgId: number | undefined;
  subscription: SubscriptionResponse | undefined;
  confirmed: UseConfirmedWriteReturnType;
  can: { subscribe: Permission; stake: Permission };
}

function quotaText(value: number | null | undefined, unit: string): string {
  return value === null || value === undefined
    ? `Unlimited ${unit}`
    : `${value.toLocaleString('en-US')} ${unit}`;
}

/** What a subscription to `plan` pays with: nothing for a free plan, else the plan's asset. */
function paymentOf(plan: PlanResponse, periods: number): Payment | undefined {
  const amount = (BigInt(plan.price.amount) * BigInt(periods)).toString();
  if (amount === '0') return undefined;
  return 'token' in plan.price.asset
    ? { token: plan.price.asset.token.address, amount }
    : { native: { denom: plan.price.asset.native.denom, amount } };
}

function subscribeCall(orgId: number, plan: PlanResponse, periods: number): WriteContractParameters {
  const args = { org_id: orgId, plan_id: plan.id, periods };
  const payment = paymentOf(plan, periods);
  return payment
    ? { contract: 'billing', name: 'subscribe', args, payment }
    : { contract: 'billing', name: 'subscribe', args };
}

export function PlanList({ orgId, subscription, confirmed, can }: PlanListProps) {
  const plans = useReadContract({ contract: 'billing', name: 'plans', args: {} });
  const config = useReadContract({ contract: 'billing', name: 'config', args: {} });
  const [periods, setPeriods] = useState(1);
  const paidActive = Boolean(subscription?.paid?.active);
  const stakeBlocked: Permission = paidActive
    ? { allowed: false, reason: 'A paid plan is in force: a stake would only count once it ends.' }
    : can.stake;
  return (
    <div className="card">
      <h2>Plans</h2>
      <p data-testid="staking-rule">{STAKING_RULE}</p>
      <div className="field">
        <label htmlFor="periods">Periods to pay now</label>
        <input
          id="periods"
          type="number"
          min={1}
          max={12}
          value={periods}
          onChange={(e) => setPeriods(Math.min(12, Math.max(1, Number(e.target.value) || 1)))}
        />
      </div>
      <QueryState
        query={plans}
        loading="Reading plans from the chain…"
        isEmpty={(d) => d.plans.length === 0}
        empty="The operator has published no plans yet."
      >
        {(data) => (
          <div className="grid" data-testid="plan-list">
            {data.plans.map((plan) => {
              const offer = planOffer(plan, orgId);
              const current = subscription?.active && subscription.plan_id === plan.id;
              const renewal = current ? renewalText(subscription, plan) : '';
              const buy: Permission = !orgId
                ? { allowed: false, reason: 'Create or pick an organization first.' }
                : !offer.buyable
                  ? { allowed: false, reason: offer.reason }
                  : current
                    ? { allowed: false, reason: 'This is your current plan.' }
                    : can.subscribe;
              return (
                <article
                  key={plan.id}
                  className={current ? 'card plan current' : 'card plan'}
                  aria-labelledby={`plan-${plan.id}`}
                  data-testid={`plan-${plan.name}`}
                >
                  <h3 id={`plan-${plan.id}`}>
                    {plan.name}
                    {current ? (
                      <span className="badge" data-testid="current-plan">
                        {' '}
                        Current plan
                      </span>
                    ) : null}
                  </h3>
                  <p>
                    {priceText(plan)} per {periodText(plan.period_seconds)}
                  </p>
                  {renewal ? <p data-testid="plan-renewal">{renewal}</p> : null}
                  <ul>
                    <li>{quotaText(plan.quotas.bots, 'bots')}</li>
                    <li>{quotaText(plan.quotas.messages, 'messages per period')}</li>
                    <li>
                      {plan.quotas.knowledge_bytes === null || plan.quotas.knowledge_bytes === undefined
                        ? 'Unlimited'
                        : `${plan.quotas.knowledge_bytes / 1_000_000} MB`}{' '}
                      of knowledge
                    </li>
                    {plan.stake_amount ? <li>or stake {formatAmount(plan.stake_amount)} SCRT</li> : null}
                  </ul>
                  <div className="row">
                    <GuardedButton
                      permission={buy}
                      data-testid={`subscribe-${plan.name}`}
                      disabled={confirmed.write.isPending}
                      onClick={() => {
                        if (!orgId) return;
                        if (paidActive) {
                          confirmed.request({
                            terms: {
                              title: `Switch to ${plan.name}`,
                              amount:
                                'A dearer plan starts now: the rest of this period is charged pro rata from the prepaid balance. A cheaper one starts at renewal, with nothing refunded.',
                              period: `${periodText(plan.period_seconds)} per period`,
                              renewal: `${priceText(plan)} per period from the prepaid balance.`,
                            },
                            call: {
                              contract: 'billing',
                              name: 'change_plan',
                              args: { org_id: orgId, plan_id: plan.id },
                            },
                          });
                          return;
                        }
                        confirmed.request({
                          terms: { title: `Subscribe to ${plan.name}`, ...subscribeTerms(plan, periods) },
                          call: subscribeCall(orgId, plan, periods),
                        });
                      }}
                    >
                      {paidActive ? `Switch to ${plan.name}` : `Subscribe (${priceText(plan, periods)})`}
                    </GuardedButton>
                    {plan.stake_amount && offer.buyable ? (
                      <GuardedButton
                        permission={
                          orgId
                            ? stakeBlocked
                            : { allowed: false, reason: 'Create or pick an organization first.' }
                        }
                        className="secondary"
                        data-testid={`stake-${plan.name}`}
                        disabled={confirmed.write.isPending}
                        onClick={() => {
                          if (!orgId || !plan.stake_amount) return;
                          const denom = config.data?.stake_denom ?? 'uscrt';
                          confirmed.request({
                            terms: {
                              title: `Stake for ${plan.name}`,
                              amount: `${formatAmount(plan.stake_amount)} SCRT, locked while staked (not spent)`,
                              period: 'As long as the stake stays in place',
                              renewal: `Nothing is charged: the plan stays active while the stake stays. Unstaked coins come back after ${config.data ? Math.round(config.data.unbonding_seconds / 86_400) : 'the unbonding'} days.`,
                            },
                            call: {
                              contract: 'billing',
                              name: 'stake',
                              args: { org_id: orgId, plan_id: plan.id },
                              funds: [{ denom, amount: plan.stake_amount }],
                            },
                          });
                        }}
                      >
                        Stake {formatAmount(plan.stake_amount)} SCRT
                      </GuardedButton>
                    ) : null}
                  </div>
                </article>
              );
            })}
          </div>
        )}
      </QueryState>
    </div>
  );
}
