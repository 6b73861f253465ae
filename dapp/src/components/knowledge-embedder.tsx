import { useId, useState } from 'react';
import type { Bot, EmbedderKind } from '../core/api/api-types.js';
import { useUpdateBot } from '../hooks/use-bots.js';
import { useOrgRole } from '../hooks/use-org-role.js';
import { GuardedButton } from './guarded-action.js';
import { ErrorNotice } from './query-state.js';
import { ReembedProgress } from './reembed-progress.js';

const EMBEDDERS: { kind: EmbedderKind; label: string }[] = [
  { kind: 'local', label: 'Sentence model (finds paraphrases)' },
  { kind: 'hash', label: 'Word hashing (exact words only)' },
  { kind: 'openai', label: 'OpenAI-compatible endpoint' },
];

/**
 * Which embedder indexes the bot's knowledge, and the re-embedding a change starts: search
 * keeps the old vectors until every chunk has its new one, so the bar shows when it switches.
 */
export function KnowledgeEmbedder({ bot }: { bot: Bot }) {
  const { can } = useOrgRole(bot.orgId);
  const update = useUpdateBot();
  const [choice, setChoice] = useState<EmbedderKind | undefined>(undefined);
  const selectId = useId();
  const current = bot.embedder;
  const selected = choice ?? current ?? 'local';
  return (
    <section className="card" aria-labelledby={`${selectId}-title`} data-testid="knowledge-embedder">
      <h2 id={`${selectId}-title`}>Search index</h2>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          update.mutate(
            { orgId: bot.orgId, botId: bot.id, changes: { embedder: selected } },
            { onSuccess: () => setChoice(undefined) },
          );
        }}
      >
        <div>
          <label htmlFor={selectId}>Embedder</label>
          <select
            id={selectId}
            data-testid="embedder-select"
            value={selected}
            onChange={(e) => setChoice(e.target.value as EmbedderKind)}
          >
            {EMBEDDERS.map((e) => (
              <option key={e.kind} value={e.kind}>
                {e.label}
              </option>
            ))}
          </select>
        </div>
        <GuardedButton
          type="submit"
          permission={can('manageBots')}
          data-testid="embedder-save"
          disabled={update.isPending || selected === current}
        >
          Re-index with it
        </GuardedButton>
      </form>
      {update.error ? <ErrorNotice error={update.error} /> : null}
      <ReembedProgress bot={bot} />
    </section>
  );
}
