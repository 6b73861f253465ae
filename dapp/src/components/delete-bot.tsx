import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Bot } from '../core/api/api-types.js';
import type { Permission } from '../core/org-permissions.js';
import { useDeleteBot } from '../hooks/use-bots.js';
import { GuardedButton } from './guarded-action.js';
import { ErrorNotice } from './query-state.js';

/** Deleting a bot cannot be undone: the owner types its name, having read what goes with it. */
export function DeleteBot({ bot, may }: { bot: Bot; may: Permission }) {
  const remove = useDeleteBot();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  return (
    <details className="card danger">
      <summary>
        <h2 style={{ display: 'inline' }}>Delete this bot</h2>
      </summary>
      <p id="delete-bot-what">
        Deleting <strong>{bot.name}</strong> removes its settings, its knowledge (every source and its
        chunks), its conversations, its leads and its webhook, at once and for good. The widget on your sites
        stops answering. Usage already counted on chain stays in the org’s history.
      </p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (typed !== bot.name) return;
          remove.mutate({ orgId: bot.orgId, botId: bot.id }, { onSuccess: () => navigate('/bots') });
        }}
      >
        <div>
          <label htmlFor="delete-bot-name">Type the bot’s name to confirm</label>
          <input
            id="delete-bot-name"
            data-testid="delete-bot-name"
            aria-describedby="delete-bot-what"
            autoComplete="off"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
        <GuardedButton
          type="submit"
          className="danger"
          permission={may}
          data-testid="delete-bot"
          disabled={typed !== bot.name || remove.isPending}
        >
          {remove.isPending ? 'Deleting…' : 'Delete bot'}
        </GuardedButton>
      </form>
      {remove.error ? <ErrorNotice error={remove.error} /> : null}
    </details>
  );
}
