import { useState } from 'react';
import { NeedsWallet } from '../components/needs-wallet.js';
import { Empty, ErrorNotice, QueryState } from '../components/query-state.js';
import { TxLink } from '../components/tx-link.js';
import { checkRenewal } from '../core/check-renewal.js';
import type {
  Asset,
  AssetAmount,
  BillingConfigResponse,
  PaymentHistoryResponse,
  PlanResponse,
  StakeResponse,
  SubscriptionResponse,
} from '../core/contracts/billing-types.js';
import { BaseError } from '../core/errors.js';
import { assetSymbol, formatAmount, parseAmount } from '../core/format-amount.js';
import { txHashesAt } from '../core/tx-journal.js';
import { useConfig } from '../hooks/config-provider.js';
import { useAccount } from '../hooks/use-account.js';
import { useBalance } from '../hooks/use-balance.js';
import { type UseContractExecuteReturnType, useContractExecute } from '../hooks/use-contract-execute.js';
import { useContractQuery } from '../hooks/use-contract-query.js';
import { useSelectedOrg } from '../hooks/use-selected-org.js';

const DAY_SECONDS = 86_400;

export default function BillingPage() {
  const account = useAccount();
  const [orgId] = useSelectedOrg();
  const execute = useContractExecute();
  if (account.status !== 'connected') {
    return (
      <section aria-labelledby="billing-title">
        <h1 id="billing-title">Plans and billing</h1>
        <NeedsWallet toDo="see plans and billing" />
      </section>
    );
  }
  return (
    <section aria-labelledby="billing-title">
      <h1 id="billing-title">Plans and billing</h1>
      {!orgId ? <Empty>Create or pick an organization first.</Empty> : null}
      <WalletBalances address={account.address} />
      {execute.isPending ? (
        <p role="status" aria-live="polite">
          Waiting for the wallet and the chain…
        </p>
      ) : null}
      {execute.data ? (
        <p role="status" data-testid="last-tx">
          Done: transaction <TxLink txHash={execute.data.txHash} /> at height {execute.data.height}.
        </p>
      ) : null}
      {execute.error ? <ErrorNotice error={execute.error} /> : null}
      <Plans orgId={orgId} execute={execute} />
      {orgId ? (
        <>
          <Subscription orgId={Number(orgId)} execute={execute} />
          <Staking orgId={Number(orgId)} execute={execute} />
          <PaymentHistory orgId={Number(orgId)} />
        </>
      ) : null}
    </section>
  );
}

function WalletBalances({ address }: { address: string }) {
  const scrt = useBalance({ address });
  const tokens = useBalance({ address, token: 'token' });
  return (
    <p className="card" data-testid="wallet-balances">
      Wallet:{' '}
      {scrt.data ? `${formatAmount(scrt.data.amount)} SCRT` : scrt.isError ? 'SCRT balance unavailable' : '…'}{' '}
      ·{' '}
      {tokens.data
        ? `${formatAmount(tokens.data.amount)} payment tokens`
        : tokens.isError
          ? 'token balance unavailable'
          : '…'}
    </p>
  );
}

function describeAsset(asset: Asset): string {
  return assetSymbol(asset, 'payment tokens');
}

function Plans({ orgId, execute }: { orgId: string | undefined; execute: UseContractExecuteReturnType }) {
  const plans = useContractQuery<{ plans: PlanResponse[] }>({ contract: 'billing', msg: { plans: {} } });
  const [periods, setPeriods] = useState(1);
  return (
    <div className="card">
      <h2>Plans</h2>
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
              const price = BigInt(plan.price.amount) * BigInt(periods);
              const subscribe = { subscribe: { org_id: Number(orgId), plan_id: plan.id, periods } };
              // A free plan subscribes without payment (cw20 refuses a zero `send`); paid ones pay
              // by token `send` or with native funds, in the plan's asset.
              const byToken = 'token' in plan.price.asset;
              return (
                <article
                  key={plan.id}
                  className="card"
                  aria-labelledby={`plan-${plan.id}`}
                  data-testid={`plan-${plan.name}`}
                >
                  <h3 id={`plan-${plan.id}`}>{plan.name}</h3>
                  <p>
                    {formatAmount(plan.price.amount)} {describeAsset(plan.price.asset)} per{' '}
                    {Math.round(plan.period_seconds / DAY_SECONDS)} days
                  </p>
                  <ul>
                    <li>{plan.quotas.bots ?? 'Unlimited'} bots</li>
                    <li>
                      {plan.quotas.messages?.toLocaleString('en-US') ?? 'Unlimited'} messages per period
                    </li>
                    <li>
                      {plan.quotas.knowledge_bytes === null
                        ? 'Unlimited'
                        : `${plan.quotas.knowledge_bytes / 1_000_000} MB`}{' '}
                      of knowledge
                    </li>
                    {plan.stake_amount ? <li>or stake {formatAmount(plan.stake_amount)} SCRT</li> : null}
                  </ul>
                  <div className="row">
                    <button
                      type="button"
                      data-testid={`subscribe-${plan.name}`}
                      disabled={!orgId || execute.isPending}
                      onClick={() =>
                        execute.mutate(
                          price === 0n
                            ? { contract: 'billing', msg: subscribe }
                            : byToken
                              ? {
                                  kind: 'sendToken',
                                  recipient: 'billing',
                                  amount: price.toString(),
                                  msg: subscribe,
                                  token: tokenOf(plan.price.asset),
                                }
                              : {
                                  contract: 'billing',
                                  msg: subscribe,
                                  funds: [
                                    { denom: nativeDenomOf(plan.price.asset), amount: price.toString() },
                                  ],
                                },
                        )
                      }
                    >
                      Subscribe ({formatAmount(price)} {describeAsset(plan.price.asset)})
                    </button>
                    {plan.stake_amount ? (
                      <button
                        type="button"
                        className="secondary"
                        data-testid={`stake-${plan.name}`}
                        disabled={!orgId || execute.isPending}
                        onClick={() =>
                          execute.mutate({
                            contract: 'billing',
                            msg: { stake: { org_id: Number(orgId), plan_id: plan.id } },
                            funds: [{ denom: 'uscrt', amount: plan.stake_amount! }],
                          })
                        }
                      >
                        Stake {formatAmount(plan.stake_amount)} SCRT
                      </button>
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

function tokenOf(asset: Asset): string | undefined {
  return 'token' in asset ? asset.token.address : undefined;
}

function nativeDenomOf(asset: Asset): string {
  return 'native' in asset ? asset.native.denom : 'uscrt';
}

function Subscription({ orgId, execute }: { orgId: number; execute: UseContractExecuteReturnType }) {
  const subscription = useContractQuery<SubscriptionResponse>({
    contract: 'billing',
    msg: { subscription: { org_id: orgId } },
    private: true,
  });
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
  return (
    <div className="card">
      <h2>Subscription and prepaid balance</h2>
      <QueryState query={subscription} loading="Reading the subscription…">
        {(sub) => {
          const renewalAsset = sub.next_renewal?.asset ?? sub.paid?.price.asset;
          const withTopUp: AssetAmount | undefined =
            topUpAmount && renewalAsset ? { asset: renewalAsset, amount: topUpAmount } : undefined;
          const check = checkRenewal(sub, withTopUp);
          return (
            <>
              <p data-testid="subscription-status">
                {sub.active
                  ? `Active: plan #${sub.plan_id} via ${sub.via}${sub.paid ? `, paid until ${new Date(Number(BigInt(sub.paid.paid_until) / 1_000_000n)).toLocaleDateString()}` : ''}${sub.paid?.cancel_at_period_end ? ' (cancelled at period end)' : ''}.`
                  : 'No active plan.'}
              </p>
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
                    if (!topUpAmount) return;
                    execute.mutate(
                      'token' in renewalAsset
                        ? {
                            kind: 'sendToken',
                            token: renewalAsset.token.address,
                            recipient: 'billing',
                            amount: topUpAmount,
                            msg: { deposit: { org_id: orgId } },
                          }
                        : {
                            contract: 'billing',
                            msg: { deposit: { org_id: orgId } },
                            funds: [{ denom: renewalAsset.native.denom, amount: topUpAmount }],
                          },
                      { onSuccess: () => setTopUp('') },
                    );
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
                  <button type="submit" data-testid="top-up" disabled={!topUpAmount || execute.isPending}>
                    Deposit
                  </button>
                </form>
              ) : null}
              <div className="row" style={{ marginTop: 12 }}>
                {sub.paid?.active && !sub.paid.cancel_at_period_end ? (
                  <button
                    type="button"
                    className="secondary"
                    disabled={execute.isPending}
                    onClick={() =>
                      execute.mutate({ contract: 'billing', msg: { cancel_subscription: { org_id: orgId } } })
                    }
                  >
                    Cancel at period end
                  </button>
                ) : null}
                {sub.paid?.active && sub.paid.cancel_at_period_end ? (
                  <button
                    type="button"
                    className="secondary"
                    disabled={execute.isPending}
                    onClick={() =>
                      execute.mutate({ contract: 'billing', msg: { resume_subscription: { org_id: orgId } } })
                    }
                  >
                    Resume
                  </button>
                ) : null}
                {sub.balances
                  .filter((b) => BigInt(b.amount) > 0n)
                  .map((b) => (
                    <button
                      key={JSON.stringify(b.asset)}
                      type="button"
                      className="secondary"
                      disabled={execute.isPending}
                      onClick={() =>
                        execute.mutate({
                          contract: 'billing',
                          msg: { withdraw_balance: { org_id: orgId, asset: b.asset, amount: null } },
                        })
                      }
                    >
                      Withdraw {formatAmount(b.amount)} {describeAsset(b.asset)}
                    </button>
                  ))}
              </div>
            </>
          );
        }}
      </QueryState>
    </div>
  );
}

function Staking({ orgId, execute }: { orgId: number; execute: UseContractExecuteReturnType }) {
  const stake = useContractQuery<StakeResponse>({
    contract: 'billing',
    msg: { stake: { org_id: orgId } },
    private: true,
  });
  const config = useContractQuery<BillingConfigResponse>({ contract: 'billing', msg: { config: {} } });
  const [amount, setAmount] = useState('');
  const now = Date.now();
  return (
    <div className="card">
      <h2>Staking</h2>
      <QueryState query={stake} loading="Reading the stake…">
        {(s) => (
          <>
            <p data-testid="stake-status">
              Staked {formatAmount(s.amount)} SCRT{s.plan_id !== null ? ` for plan #${s.plan_id}` : ''}
              {s.active
                ? ' (plan active)'
                : BigInt(s.required) > 0n
                  ? ` (needs ${formatAmount(s.required)})`
                  : ''}
              .
              {config.data
                ? ` Unstaked coins are released after ${Math.round(config.data.unbonding_seconds / DAY_SECONDS)} days.`
                : ''}
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
                execute.mutate(
                  { contract: 'billing', msg: { unstake: { org_id: orgId, amount: base } } },
                  { onSuccess: () => setAmount('') },
                );
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
              <button
                type="submit"
                className="secondary"
                disabled={!amount || execute.isPending || BigInt(s.amount) === 0n}
              >
                Unstake
              </button>
            </form>
            <h3>Unbonding</h3>
            {s.unbonding.length === 0 ? (
              <Empty>Nothing is unbonding.</Empty>
            ) : (
              <ul>
                {s.unbonding.map((entry) => {
                  const releaseMs = Number(BigInt(entry.release_at) / 1_000_000n);
                  return (
                    <li key={`${entry.release_at}-${entry.amount}`}>
                      {formatAmount(entry.amount)} SCRT{' '}
                      {releaseMs <= now
                        ? 'ready to withdraw'
                        : `released ${new Date(releaseMs).toLocaleString()}`}
                    </li>
                  );
                })}
              </ul>
            )}
            <button
              type="button"
              className="secondary"
              disabled={
                execute.isPending ||
                !s.unbonding.some((e) => Number(BigInt(e.release_at) / 1_000_000n) <= now)
              }
              onClick={() =>
                execute.mutate({ contract: 'billing', msg: { withdraw_unbonded: { org_id: orgId } } })
              }
            >
              Withdraw unbonded
            </button>
          </>
        )}
      </QueryState>
    </div>
  );
}

function PaymentHistory({ orgId }: { orgId: number }) {
  const config = useConfig();
  const history = useContractQuery<PaymentHistoryResponse>({
    contract: 'billing',
    msg: { payment_history: { org_id: orgId, start: 0, limit: 100 } },
    private: true,
  });
  return (
    <div className="card">
      <h2>Payment history</h2>
      <QueryState
        query={history}
        loading="Reading payments…"
        isEmpty={(h) => h.entries.length === 0}
        empty="No payments yet."
      >
        {(h) => (
          <div className="table-scroll">
            <table data-testid="payment-history">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Transaction</th>
                </tr>
              </thead>
              <tbody>
                {h.entries
                  // The history is append-only: an entry's position is its identity.
                  .map((entry, position) => ({ entry, position }))
                  .reverse()
                  .map(({ entry, position }) => {
                    const hashes = txHashesAt(config.storage, config.chain.chainId, entry.height);
                    return (
                      <tr key={position}>
                        <td>{new Date(Number(BigInt(entry.time) / 1_000_000n)).toLocaleString()}</td>
                        <td>
                          {entry.kind.replace('_', ' ')}
                          {entry.periods ? ` × ${entry.periods}` : ''}
                          {entry.plan_id !== null ? ` (plan #${entry.plan_id})` : ''}
                        </td>
                        <td>
                          {formatAmount(entry.amount)} {describeAsset(entry.asset)}
                        </td>
                        <td>{hashes[0] ? <TxLink txHash={hashes[0]} /> : `block ${entry.height}`}</td>
                      </tr>
                    );
                  })}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </div>
  );
}
