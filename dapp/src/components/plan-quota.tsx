import { unixDay } from '../core/actions/get-on-chain-usage.js';
import { useReadContract } from '../hooks/use-read-contract.js';
import { useOffChainUsage } from '../hooks/use-usage.js';
import { QuotaMeter } from './quota-meter.js';

/** The plan's message quota against this period's messages: the paid period, else the last 30 days. */
export function PlanQuota({ orgId }: { orgId: string }) {
  const subscription = useReadContract({
    contract: 'billing',
    name: 'subscription',
    args: { org_id: Number(orgId) },
  });
  const plans = useReadContract({ contract: 'billing', name: 'plans', args: { include_retired: true } });
  const today = unixDay();
  const paid = subscription.data?.paid;
  const fromDay =
    paid?.active && subscription.data?.via === 'payment'
      ? Math.floor((Number(BigInt(paid.paid_until) / 1_000_000n) - paid.period_seconds * 1000) / 86_400_000)
      : today - 29;
  const used = useOffChainUsage({ orgId, fromDay, toDay: today });
  const sub = subscription.data;
  if (!sub) return null;
  if (!sub.active || sub.plan_id === null || sub.plan_id === undefined)
    return (
      <div className="card" data-testid="quota-meter">
        No active plan: choose one on the billing page.
      </div>
    );
  const planName = plans.data?.plans.find((plan) => plan.id === sub.plan_id)?.name ?? `plan #${sub.plan_id}`;
  return (
    <div className="card">
      <h2>Plan quota ({planName})</h2>
      {used.data ? (
        <QuotaMeter
          used={used.data.reduce((sum, day) => sum + day.messages, 0)}
          limit={sub.quotas?.messages}
          planName={planName}
        />
      ) : (
        <p>Sign in to see the messages of this period.</p>
      )}
    </div>
  );
}
