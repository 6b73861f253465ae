import { dateOf, groupPayments } from '../../core/billing/describe-plan.js';
import { txHashesAt } from '../../core/tx-journal.js';
import { useConfig } from '../../hooks/config-provider.js';
import { useReadContract } from '../../hooks/use-read-contract.js';
import { CopyButton } from '../copy-button.js';
import { QueryState } from '../query-state.js';
import { TxLink } from '../tx-link.js';

export function PaymentHistory({ orgId, planName }: { orgId: number; planName: (id: number) => string }) {
  const config = useConfig();
  const history = useReadContract({
    contract: 'billing',
    name: 'payment_history',
    args: { org_id: orgId, start: 0, limit: 100 },
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
                {groupPayments(h.entries, planName).map((row) => {
                  const hash = txHashesAt(config.storage, config.chain.chainId, row.height)[0];
                  return (
                    <tr key={row.key}>
                      <td>{dateOf(row.time).toLocaleString()}</td>
                      <td>{row.title}</td>
                      <td>
                        {row.amount}
                        {row.detail ? <small className="muted"> ({row.detail})</small> : null}
                      </td>
                      <td>
                        {hash ? (
                          <>
                            <TxLink txHash={hash} /> <CopyButton text={hash} label="Copy hash" />
                          </>
                        ) : (
                          `block ${row.height}`
                        )}
                      </td>
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
