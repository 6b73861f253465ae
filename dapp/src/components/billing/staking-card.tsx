import { useState } from 'react';
import { dateOf } from '../../core/billing/describe-plan.js';
import { formatAmount, parseAmount } from '../../core/format-amount.js';
import type { Permission } from '../../core/org-permissions.js';
import type { UseConfirmedWriteReturnType } from '../../hooks/use-confirmed-write.js';
import { useReadContract } from '../../hooks/use-read-contract.js';
import { GuardedButton } from '../guarded-action.js';
import { Empty, QueryState } from '../query-state.js';

const DAY_SECONDS = 86_400;

export function StakingCard({
  orgId,
  planName,
  confirmed,
  can,
}: {
  orgId: number;
  planName: (id: number) => string;
  confirmed: UseConfirmedWriteReturnType;
  can: Permission;
}) {
  const stake = useReadContract({ contract: 'billing', name: 'stake', args: { org_id: orgId } });
  const config = useReadContract({ contract: 'billing', name: 'config', args: {} });
  const [amount, setAmount] = useState('');
  const now = Date.now();
  const unbondingDays = config.data ? Math.round(config.data.unbonding_seconds / DAY_SECONDS) : undefined;
  return (
    <div className="card">
      <h2>Staking</h2>
      <QueryState query={stake} loading="Reading the stake…">
        {(s) => (
          <>
            <p data-testid="stake-status">
              Staked {formatAmount(s.amount)} SCRT
              {s.plan_id !== null && s.plan_id !== undefined ? ` for ${planName(s.plan_id)}` : ''}
              {s.active
                ? ' (plan active)'
                : BigInt(s.required) > 0n
                  ? ` (needs ${formatAmount(s.required)})`
                  : ''}
              .
              {unbondingDays !== undefined ? ` Unstaked coins are released after ${unbondingDays} days.` : ''}
            </p>
            <form
              className="row"
              onSubmit={(event) => {
                event.preventDefault();
                let base: string;
                try {
                  base = parseAmount(amount);
                } catch {
                  return;
                }
                confirmed.request({
                  terms: {
                    title: 'Unstake',
                    amount: `${formatAmount(base)} SCRT leaves the stake`,
                    period: `Released to your wallet after ${unbondingDays ?? 'the unbonding'} days`,
                    renewal:
                      BigInt(s.amount) - BigInt(base) < BigInt(s.required)
                        ? 'What stays is below the plan’s stake: the staked plan stops now.'
                        : 'The staked plan stays active.',
                  },
                  call: { contract: 'billing', name: 'unstake', args: { org_id: orgId, amount: base } },
                  onSuccess: () => setAmount(''),
                });
              }}
            >
              <div>
                <label htmlFor="unstake-amount">Unstake (SCRT)</label>
                <input
                  id="unstake-amount"
                  inputMode="decimal"
                  value={amount}
                  onChange={(e) => setAmount(e.target.value)}
                />
              </div>
              <GuardedButton
                type="submit"
                className="secondary"
                permission={can}
                disabled={!amount || confirmed.write.isPending || BigInt(s.amount) === 0n}
              >
                Unstake
              </GuardedButton>
            </form>
            <h3>Unbonding</h3>
            {s.unbonding.length === 0 ? (
              <Empty>Nothing is unbonding.</Empty>
            ) : (
              <ul>
                {s.unbonding.map((entry) => {
                  const release = dateOf(entry.release_at);
                  return (
                    <li key={`${entry.release_at}-${entry.amount}`}>
                      {formatAmount(entry.amount)} SCRT{' '}
                      {release.getTime() <= now
                        ? 'ready to withdraw'
                        : `released ${release.toLocaleString()}`}
                    </li>
                  );
                })}
              </ul>
            )}
            <GuardedButton
              className="secondary"
              permission={can}
              disabled={
                confirmed.write.isPending || !s.unbonding.some((e) => dateOf(e.release_at).getTime() <= now)
              }
              onClick={() =>
                confirmed.request({
                  terms: {
                    title: 'Withdraw unbonded SCRT',
                    amount: 'Every released unbonding entry, back to your wallet',
                    period: 'Now',
                    renewal: 'Nothing renews.',
                  },
                  call: { contract: 'billing', name: 'withdraw_unbonded', args: { org_id: orgId } },
                })
              }
            >
              Withdraw unbonded
            </GuardedButton>
          </>
        )}
      </QueryState>
    </div>
  );
}
