import type { Bot } from '../core/api/api-types.js';
import { useEmbedRefusals } from '../hooks/use-inbox.js';
import { QueryState } from './query-state.js';

/** Sites where the widget was refused: why no chat bubble shows there, and the fix. */
export function RefusedOrigins({ bot }: { bot: Pick<Bot, 'id' | 'orgId'> }) {
  const refusals = useEmbedRefusals({ orgId: bot.orgId, botId: bot.id });
  return (
    <section aria-labelledby="refused-origins" data-testid="refused-origins">
      <h3 id="refused-origins">Refused websites</h3>
      <QueryState
        query={refusals}
        loading="Loading refused websites…"
        isEmpty={(rows) => rows.length === 0}
        empty="No website was refused: the widget has only been loaded where it is allowed."
      >
        {(rows) => (
          <>
            <p>
              The widget was loaded on these websites, which are not among the allowed origins, so it drew
              nothing there (visitors see no chat bubble). Add an origin above to allow it.
            </p>
            <ul>
              {rows.map((r) => (
                <li key={r.origin}>
                  <code>{r.origin}</code> — {r.count} {r.count === 1 ? 'time' : 'times'}, last{' '}
                  {new Date(r.lastSeenAt).toLocaleString()}
                </li>
              ))}
            </ul>
          </>
        )}
      </QueryState>
    </section>
  );
}
