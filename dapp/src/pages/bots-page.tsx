import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { BotForm, DEFAULT_BOT } from '../components/bot-form.js';
import { GuardedButton } from '../components/guarded-action.js';
import { Empty, ErrorNotice, QueryState } from '../components/query-state.js';
import { RequireSession } from '../components/require-session.js';
import { useBots, useCreateBot } from '../hooks/use-bots.js';
import { useOrgRole } from '../hooks/use-org-role.js';
import { useSelectedOrg } from '../hooks/use-selected-org.js';

export default function BotsPage() {
  return (
    <section aria-labelledby="bots-title">
      <h1 id="bots-title">Bots</h1>
      <RequireSession>
        <BotsOfOrg />
      </RequireSession>
    </section>
  );
}

function BotsOfOrg() {
  const [orgId] = useSelectedOrg();
  const bots = useBots({ orgId });
  const create = useCreateBot();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const { can } = useOrgRole(orgId);
  if (!orgId) return <Empty>Create or pick an organization first.</Empty>;
  return (
    <>
      <div className="card">
        <QueryState
          query={bots}
          loading="Loading bots…"
          isEmpty={(list) => list.length === 0}
          empty="No bots yet: create the first one."
        >
          {(list) => (
            <ul data-testid="bot-list">
              {list.map((bot) => (
                <li key={bot.id}>
                  <Link to={`/bots/${bot.id}`}>{bot.name}</Link> · {bot.model} · {bot.allowedOrigins.length}{' '}
                  allowed origins
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </div>
      {creating ? (
        <div className="card">
          <h2>New bot</h2>
          <BotForm
            initial={DEFAULT_BOT}
            submitLabel="Create bot"
            pending={create.isPending}
            permission={can('manageBots')}
            onSubmit={(bot) =>
              create.mutate({ orgId, bot }, { onSuccess: (created) => navigate(`/bots/${created.id}`) })
            }
          />
          {create.error ? <ErrorNotice error={create.error} /> : null}
        </div>
      ) : (
        <GuardedButton data-testid="new-bot" permission={can('manageBots')} onClick={() => setCreating(true)}>
          New bot
        </GuardedButton>
      )}
    </>
  );
}
