import { useState } from 'react';
import { Link } from 'react-router';
import { CopyButton } from '../components/copy-button.js';
import { Empty, ErrorNotice, QueryState } from '../components/query-state.js';
import { RequireSession } from '../components/require-session.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../core/api/api-types.js';
import { useBots } from '../hooks/use-bots.js';
import { useSelectedOrg } from '../hooks/use-selected-org.js';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../hooks/use-settings.js';

export default function SettingsPage() {
  const [orgId] = useSelectedOrg();
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <RequireSession>
        {orgId ? <OrgSettings orgId={orgId} /> : <Empty>Create or pick an organization first.</Empty>}
      </RequireSession>
    </section>
  );
}

function OrgSettings({ orgId }: { orgId: string }) {
  return (
    <>
      <ApiKeys orgId={orgId} />
      <Webhooks />
      <AllowedOrigins orgId={orgId} />
    </>
  );
}

function ApiKeys({ orgId }: { orgId: string }) {
  const keys = useApiKeys({ orgId });
  const create = useCreateApiKey({ orgId });
  const revoke = useRevokeApiKey({ orgId });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['chat']);
  return (
    <div className="card">
      <h2>API keys</h2>
      <QueryState
        query={keys}
        loading="Loading API keys…"
        isEmpty={(list) => list.length === 0}
        empty="No API keys."
      >
        {(list) => (
          <ul data-testid="api-keys">
            {list
              .filter((key) => !key.revokedAt)
              .map((key) => (
                <li key={key.id}>
                  {key.name} <code>{key.prefix}…</code> ({key.scopes.join(', ')}) created{' '}
                  {new Date(key.createdAt).toLocaleDateString()}{' '}
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Revoke ${key.name}`}
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ keyId: key.id })}
                  >
                    Revoke
                  </button>
                </li>
              ))}
          </ul>
        )}
      </QueryState>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name, scopes }, { onSuccess: () => setName('') });
        }}
      >
        <div>
          <label htmlFor="api-key-name">Key name</label>
          <input id="api-key-name" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <fieldset>
          <legend>Permissions</legend>
          {API_KEY_SCOPES.map((scope) => (
            <span key={scope} style={{ marginRight: 12 }}>
              <input
                id={`scope-${scope}`}
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes((current) =>
                    e.target.checked ? [...current, scope] : current.filter((s) => s !== scope),
                  )
                }
              />{' '}
              <label htmlFor={`scope-${scope}`} style={{ display: 'inline' }}>
                {scope}
              </label>
            </span>
          ))}
        </fieldset>
        <button type="submit" disabled={!name.trim() || scopes.length === 0 || create.isPending}>
          Create key
        </button>
      </form>
      {create.data ? (
        <div role="status" className="card">
          <p>
            Copy the key now: it is shown only once. <code data-testid="new-api-key">{create.data.key}</code>
          </p>
          <CopyButton text={create.data.key} label="Copy key" />
        </div>
      ) : null}
      {create.error ? <ErrorNotice error={create.error} /> : null}
      {revoke.error ? <ErrorNotice error={revoke.error} /> : null}
    </div>
  );
}

/** Webhooks belong to a bot: its inbox page reads and edits them, with the delivery log. */
function Webhooks() {
  return (
    <div className="card">
      <h2>Webhooks</h2>
      <p>
        Each bot has its own webhook: open a bot, then <strong>Inbox</strong>, to set its URL, see recent
        deliveries and send a test event.
      </p>
    </div>
  );
}

function AllowedOrigins({ orgId }: { orgId: string }) {
  const bots = useBots({ orgId });
  return (
    <div className="card">
      <h2>Allowed origins</h2>
      <QueryState
        query={bots}
        loading="Loading bots…"
        isEmpty={(list) => list.length === 0}
        empty="No bots yet."
      >
        {(list) => (
          <ul data-testid="allowed-origins">
            {list.map((bot) => (
              <li key={bot.id}>
                <Link to={`/bots/${bot.id}`}>{bot.name}</Link>:{' '}
                {bot.allowedOrigins.length > 0 ? (
                  bot.allowedOrigins.join(', ')
                ) : (
                  <span className="fail">none: the widget loads nowhere</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}
