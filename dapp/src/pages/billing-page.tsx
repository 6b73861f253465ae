import { PaymentHistory } from '../components/billing/payment-history.js';
import { PlanList } from '../components/billing/plan-list.js';
import { StakingCard } from '../components/billing/staking-card.js';
import { SubscriptionCard } from '../components/billing/subscription-card.js';
import { ConfirmTransaction } from '../components/confirm-transaction.js';
import { NeedsWallet } from '../components/needs-wallet.js';
import { Empty, ErrorNotice, QueryState } from '../components/query-state.js';
import { TxLink } from '../components/tx-link.js';
import { formatAmount } from '../core/format-amount.js';
import { useAccount } from '../hooks/use-account.js';
import { useBalance } from '../hooks/use-balance.js';
import { useConfirmedWrite } from '../hooks/use-confirmed-write.js';
import { useOrgRole } from '../hooks/use-org-role.js';
import { useReadContract } from '../hooks/use-read-contract.js';
import { useSelectedOrg } from '../hooks/use-selected-org.js';

export default function BillingPage() {
  const account = useAccount();
  return (
    <section aria-labelledby="billing-title">
      <h1 id="billing-title">Plans and billing</h1>
      {account.status === 'connected' ? (
        <Billing address={account.address} />
      ) : (
        <NeedsWallet toDo="see plans and billing" />
      )}
    </section>
  );
}

function Billing({ address }: { address: string }) {
  const [selected] = useSelectedOrg();
  const orgId = selected ? Number(selected) : undefined;
  const { can } = useOrgRole(selected);
  const confirmed = useConfirmedWrite();
  const plans = useReadContract({ contract: 'billing', name: 'plans', args: { include_retired: true } });
  const subscription = useReadContract({
    contract: 'billing',
    name: 'subscription',
    args: orgId !== undefined ? { org_id: orgId } : undefined,
  });
  const planName = (id: number) => plans.data?.plans.find((plan) => plan.id === id)?.name ?? `plan #${id}`;
  const write = confirmed.write;
  return (
    <>
      {orgId === undefined ? <Empty>Create or pick an organization first.</Empty> : null}
      <WalletBalances address={address} />
      {write.isPending ? (
        <p role="status" aria-live="polite">
          Waiting for the wallet and the chain…
        </p>
      ) : null}
      {write.data ? (
        <p role="status" data-testid="last-tx">
          Done: transaction <TxLink txHash={write.data.txHash} /> at height {write.data.height}.
        </p>
      ) : null}
      {write.error ? <ErrorNotice error={write.error} /> : null}
      <ConfirmTransaction {...confirmed.dialog} />
      <PlanList
        orgId={orgId}
        subscription={subscription.data}
        confirmed={confirmed}
        can={{ subscribe: can('subscribe'), stake: can('stake') }}
      />
      {orgId !== undefined ? (
        <>
          <QueryState query={subscription} loading="Reading the subscription…">
            {(sub) => (
              <SubscriptionCard
                orgId={orgId}
                subscription={sub}
                planName={planName}
                plans={plans.data?.plans ?? []}
                confirmed={confirmed}
                can={{
                  cancel: can('cancelSubscription'),
                  deposit: can('deposit'),
                  withdraw: can('withdrawBalance'),
                }}
              />
            )}
          </QueryState>
          <StakingCard orgId={orgId} planName={planName} confirmed={confirmed} can={can('stake')} />
          <PaymentHistory orgId={orgId} planName={planName} />
        </>
      ) : null}
    </>
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
