import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { GuardedButton } from '../components/guarded-action.js';
import { Empty, ErrorNotice, QueryState } from '../components/query-state.js';
import { RequireSession } from '../components/require-session.js';
import type { Bot } from '../core/api/api-types.js';
import { leadsToCsv } from '../core/api/inbox-actions.js';
import { errorMessage } from '../core/errors.js';
import type { Permission } from '../core/org-permissions.js';
import { useBot } from '../hooks/use-bots.js';
import {
  useConversations,
  useLeads,
  useSendTestWebhook,
  useSetBotWebhook,
  useTranscript,
  useWebhookDeliveries,
} from '../hooks/use-inbox.js';
import { useOrgRole } from '../hooks/use-org-role.js';
import { useSelectedOrg } from '../hooks/use-selected-org.js';

/** One bot's inbox: what visitors asked, the leads they left, and where the bot tells the org's systems. */
export default function BotInboxPage() {
  const { botId } = useParams();
  return (
    <RequireSession>
      <BotInbox botId={botId!} />
    </RequireSession>
  );
}

function BotInbox({ botId }: { botId: string }) {
  const [orgId] = useSelectedOrg();
  const bot = useBot({ orgId, botId });
  const { can } = useOrgRole(orgId);
  if (!orgId) return <Empty>Create or pick an organization first.</Empty>;
  return (
    <section aria-labelledby="inbox-title">
      <p>
        <Link to={`/bots/${botId}`}>← Back to the bot</Link>
      </p>
      <QueryState query={bot} loading="Loading the bot…">
        {(data) => (
          <>
            <h1 id="inbox-title">Inbox of {data.name}</h1>
            <Conversations bot={data} />
            <Leads bot={data} />
            <WebhookSettings bot={data} may={can('manageBots')} />
          </>
        )}
      </QueryState>
    </section>
  );
}

function when(iso: string): string {
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

function Conversations({ bot }: { bot: Bot }) {
  const [q, setQ] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState({ q: '', from: '', to: '' });
  const [open, setOpen] = useState<string>();
  const list = useConversations({ orgId: bot.orgId, botId: bot.id, ...applied });
  return (
    <div className="card">
      <h2>Conversations</h2>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied({ q, from, to });
        }}
      >
        <div>
          <label htmlFor="conversation-search">Words</label>
          <input
            id="conversation-search"
            data-testid="conversation-search"
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="conversation-from">From</label>
          <input id="conversation-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div>
          <label htmlFor="conversation-to">To</label>
          <input id="conversation-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <button type="submit">Search</button>
      </form>
      <QueryState
        query={list}
        loading="Loading conversations…"
        isEmpty={(rows) => rows.length === 0}
        empty={applied.q || applied.from || applied.to ? 'No conversation matches.' : 'No conversation yet.'}
      >
        {(rows) => (
          <ul className="conversation-list" data-testid="conversation-list">
            {rows.map((row) => (
              <li key={row.id}>
                <button
                  type="button"
                  className="secondary"
                  aria-expanded={open === row.id}
                  onClick={() => setOpen(open === row.id ? undefined : row.id)}
                >
                  {when(row.lastMessageAt)} · {row.messageCount} messages
                  {row.origin ? ` · ${row.origin}` : ''}
                </button>
                {open === row.id ? <TranscriptView bot={bot} conversationId={row.id} /> : null}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}

function TranscriptView({ bot, conversationId }: { bot: Bot; conversationId: string }) {
  const transcript = useTranscript({ orgId: bot.orgId, botId: bot.id, conversationId });
  return (
    <QueryState query={transcript} loading="Loading the transcript…">
      {(data) => (
        <ol className="transcript" data-testid="transcript">
          {data.messages.map((message) => (
            <li key={message.id} className={`turn ${message.role}`}>
              <strong>{message.role === 'user' ? 'Visitor' : 'Bot'}</strong>{' '}
              <small className="muted">{when(message.createdAt)}</small>
              <p>{message.content}</p>
              {message.citations.length ? (
                <p className="muted" data-testid="transcript-citations">
                  Sources:{' '}
                  {message.citations.map((c, i) => (
                    <span key={`${c.sourceId ?? i}`}>
                      {i ? ', ' : ''}
                      {c.url ? (
                        <a href={c.url} rel="noopener nofollow" target="_blank">
                          {c.title ?? c.url}
                        </a>
                      ) : (
                        (c.title ?? 'a document')
                      )}
                    </span>
                  ))}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </QueryState>
  );
}

function Leads({ bot }: { bot: Bot }) {
  const leads = useLeads({ orgId: bot.orgId, botId: bot.id });
  return (
    <div className="card">
      <h2>Leads</h2>
      {bot.consentText ? (
        <p>
          Consent text shown to visitors now: <q data-testid="consent-text">{bot.consentText}</q>
        </p>
      ) : null}
      <QueryState
        query={leads}
        loading="Loading leads…"
        isEmpty={(rows) => rows.length === 0}
        empty={bot.leadCapture ? 'No lead yet.' : 'No lead yet: lead capture is off in the bot’s settings.'}
      >
        {(rows) => (
          <>
            <a
              className="button"
              data-testid="leads-csv"
              download={`${bot.name.replace(/[^\w-]+/g, '-')}-leads.csv`}
              href={`data:text/csv;charset=utf-8,${encodeURIComponent(leadsToCsv(rows, bot.consentText))}`}
            >
              Export CSV ({rows.length})
            </a>
            {/* Scrolls sideways on a phone: focusable, so a keyboard can scroll it too. */}
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus */}
            <div className="table-scroll" tabIndex={0}>
              <table data-testid="lead-table">
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Name</th>
                    <th scope="col">Consent</th>
                    <th scope="col">Consent text as shown</th>
                    <th scope="col">Received</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((lead) => (
                    <tr key={lead.id}>
                      <td>{lead.email}</td>
                      <td>{lead.name ?? '—'}</td>
                      <td>
                        {lead.consent ? `given ${lead.consentAt ? when(lead.consentAt) : ''}` : 'not given'}
                      </td>
                      <td data-testid="lead-consent-text">
                        {lead.consentText ? (
                          <>
                            <q>{lead.consentText}</q>{' '}
                            {lead.consentVersion ? <small>(version {lead.consentVersion})</small> : null}
                          </>
                        ) : (
                          'not recorded (an older lead)'
                        )}
                      </td>
                      <td>{when(lead.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </QueryState>
    </div>
  );
}

function WebhookSettings({ bot, may }: { bot: Bot; may: Permission }) {
  const deliveries = useWebhookDeliveries({ orgId: bot.orgId, botId: bot.id });
  const save = useSetBotWebhook({ orgId: bot.orgId, botId: bot.id });
  const test = useSendTestWebhook({ orgId: bot.orgId, botId: bot.id });
  const [url, setUrl] = useState(bot.webhook?.url ?? '');
  const [secret, setSecret] = useState('');
  return (
    <div className="card">
      <h2>Webhook</h2>
      <p data-testid="webhook-state">
        {bot.webhook
          ? `New leads are POSTed to ${bot.webhook.url}, signed with its secret.`
          : 'No webhook: leads stay in this inbox only.'}
      </p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({ url: url.trim(), secret }, { onSuccess: () => setSecret('') });
        }}
      >
        <div>
          <label htmlFor="webhook-url">URL</label>
          <input
            id="webhook-url"
            data-testid="webhook-url"
            type="url"
            required
            placeholder="https://"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="webhook-secret">
            Signing secret (16+ characters{bot.webhook ? ', set again to change' : ''})
          </label>
          <input
            id="webhook-secret"
            data-testid="webhook-secret"
            type="password"
            autoComplete="off"
            required
            minLength={16}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        </div>
        <GuardedButton type="submit" permission={may} disabled={save.isPending} data-testid="save-webhook">
          Save webhook
        </GuardedButton>
        {bot.webhook ? (
          <GuardedButton
            className="secondary"
            permission={may}
            disabled={save.isPending}
            onClick={() => save.mutate(null)}
          >
            Remove webhook
          </GuardedButton>
        ) : null}
      </form>
      {save.error ? <ErrorNotice error={save.error} /> : null}
      <div className="row" style={{ marginTop: 12 }}>
        <GuardedButton
          permission={bot.webhook ? may : { allowed: false, reason: 'Save a webhook first.' }}
          disabled={test.isPending}
          data-testid="send-test-event"
          onClick={() => test.mutate()}
        >
          Send test event
        </GuardedButton>
        {test.isSuccess ? <span role="status">Test event queued: see its delivery below.</span> : null}
        {test.error ? <span role="alert">{errorMessage(test.error)}</span> : null}
      </div>
      <h3>Recent deliveries</h3>
      <QueryState
        query={deliveries}
        loading="Loading deliveries…"
        isEmpty={(rows) => rows.length === 0}
        empty="Nothing sent yet."
      >
        {(rows) => (
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus
          <div className="table-scroll" tabIndex={0}>
            <table data-testid="webhook-deliveries">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">HTTP</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id}>
                    <td>{d.event}</td>
                    <td className={d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'fail' : ''}>
                      {d.status}
                      {d.lastError ? `: ${d.lastError}` : ''}
                      {d.nextAttemptAt ? ` (retry ${when(d.nextAttemptAt)})` : ''}
                    </td>
                    <td>{d.lastStatusCode ?? '—'}</td>
                    <td>{d.attempts}</td>
                    <td>{when(d.deliveredAt ?? d.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </div>
  );
}
