/** Usage per day: the chain's counters beside the api's, as charts and as a table with notes. */
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { NeedsWallet } from '../components/needs-wallet.js';
import { PlanQuota } from '../components/plan-quota.js';
import { Empty, ErrorNotice, Loading } from '../components/query-state.js';
import { QuotaNotices } from '../components/quota-notices.js';
import { UsageByBot } from '../components/usage-by-bot.js';
import { dayLabel, unixDay } from '../core/actions/get-on-chain-usage.js';
import { compareUsage } from '../core/compare-usage.js';
import { useAccount } from '../hooks/use-account.js';
import { useSelectedOrg } from '../hooks/use-selected-org.js';
import { useSession } from '../hooks/use-session.js';
import { useOffChainUsage, useOnChainUsage } from '../hooks/use-usage.js';

const RANGES = [7, 30, 90] as const;

export default function UsagePage() {
  const account = useAccount();
  const session = useSession();
  const [orgId] = useSelectedOrg();
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const today = unixDay();
  const range = { fromDay: today - days + 1, toDay: today };
  const onChain = useOnChainUsage({ orgId, ...range });
  const offChain = useOffChainUsage({ orgId, ...range });
  // At most 90 rows: cheap enough to recompute on every render.
  const rows = compareUsage(range, onChain.data, offChain.data, today);
  const chartRows = rows.map((row) => ({ ...row, label: dayLabel(row.day).slice(5) }));

  const anyData = rows.some((r) => r.onChainMessages || r.offChainMessages);
  if (account.status !== 'connected' || !orgId) {
    return (
      <section aria-labelledby="usage-title">
        <h1 id="usage-title">Usage</h1>
        {account.status !== 'connected' ? (
          <NeedsWallet toDo="see usage" />
        ) : (
          <Empty>Create or pick an organization first.</Empty>
        )}
      </section>
    );
  }
  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">Usage</h1>
      <div className="row">
        <label htmlFor="usage-range">Period</label>
        <select
          id="usage-range"
          value={days}
          onChange={(e) => setDays(Number(e.target.value) as (typeof RANGES)[number])}
        >
          {RANGES.map((r) => (
            <option key={r} value={r}>
              Last {r} days
            </option>
          ))}
        </select>
      </div>
      <QuotaNotices orgId={orgId} />
      <PlanQuota orgId={orgId} />
      <div className="grid" style={{ margin: '12px 0' }}>
        <div className="card" data-testid="on-chain-state">
          <h2>On chain</h2>
          {onChain.isPending && onChain.fetchStatus !== 'idle' ? (
            <Loading label="Reading the usage contract (your wallet may ask to sign a permit)…" />
          ) : null}
          {onChain.error ? (
            <ErrorNotice error={onChain.error} onRetry={() => void onChain.refetch()} />
          ) : null}
          {onChain.data ? (
            <p>
              {onChain.data.total.messages} messages,{' '}
              {Number(onChain.data.total.prompt_tokens) + Number(onChain.data.total.completion_tokens)}{' '}
              tokens.
            </p>
          ) : null}
        </div>
        <div className="card" data-testid="off-chain-state">
          <h2>Off chain (api)</h2>
          {!session ? <p>Sign in to read the api's counters.</p> : null}
          {offChain.isPending && offChain.fetchStatus !== 'idle' ? (
            <Loading label="Reading the api's counters…" />
          ) : null}
          {offChain.error ? (
            <ErrorNotice error={offChain.error} onRetry={() => void offChain.refetch()} />
          ) : null}
          {offChain.data ? <p>{offChain.data.reduce((sum, d) => sum + d.messages, 0)} messages.</p> : null}
        </div>
      </div>
      <p className="status" data-testid="usage-explanation">
        Off chain: the api counts each answer the moment it is stored, per bot. On chain: the usage contract
        counts the same answers once the relayer has submitted the gateways’ signed attestations, usually
        within seconds, so the last day may show answers not yet relayed. The chain is what plans and audits
        rely on; the api’s counters of a deleted bot go with it.
      </p>
      {!anyData && (onChain.data || offChain.data) ? <Empty>No usage in this period.</Empty> : null}
      {anyData ? (
        <>
          <figure className="card">
            <figcaption>
              <h2>Messages per day</h2>
            </figcaption>
            <div className="chart-box" data-testid="messages-chart">
              <ResponsiveContainer>
                <BarChart data={chartRows}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  <Bar dataKey="onChainMessages" name="On chain" fill="#3b2fc9" />
                  <Bar dataKey="offChainMessages" name="Off chain" fill="#0b6b2f" />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </figure>
          <figure className="card">
            <figcaption>
              <h2>Tokens per day</h2>
            </figcaption>
            <div className="chart-box">
              <ResponsiveContainer>
                <BarChart data={chartRows}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis />
                  <Tooltip />
                  <Legend />
                  <Bar dataKey="onChainTokens" name="On chain" fill="#3b2fc9" />
                  <Bar dataKey="offChainTokens" name="Off chain" fill="#0b6b2f" />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </figure>
        </>
      ) : null}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus */}
      <div className="card table-scroll" tabIndex={0}>
        <h2>Day by day</h2>
        <table data-testid="usage-table">
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col">Messages on chain</th>
              <th scope="col">Messages off chain</th>
              <th scope="col">Conversations</th>
              <th scope="col">Leads</th>
              <th scope="col">Difference</th>
            </tr>
          </thead>
          <tbody>
            {rows
              .filter((r) => r.onChainMessages || r.offChainMessages || r.conversations || r.leads)
              .reverse()
              .map((r) => (
                <tr key={r.day}>
                  <td>{dayLabel(r.day)}</td>
                  <td>{r.onChainMessages}</td>
                  <td>{r.offChainMessages}</td>
                  <td>{r.conversations}</td>
                  <td>{r.leads}</td>
                  <td className={r.note === 'equal' ? 'ok' : ''}>{r.note}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      {session ? (
        <UsageByBot
          orgId={orgId}
          fromDay={range.fromDay}
          toDay={range.toDay}
          orgTotals={new Map((offChain.data ?? []).map((d) => [d.day, d.messages]))}
        />
      ) : null}
    </section>
  );
}
