import type { Bot } from '../core/api/api-types.js';
import { useBotAnswerer } from '../hooks/use-bots.js';

/**
 * For the org only: no language model answers this bot. Visitors are not told; they get the
 * offline answerer's neutral answers (or the fallback message), so the owner must be.
 */
export function AnswererNotice({ bot }: { bot: Pick<Bot, 'id' | 'orgId'> }) {
  const answerer = useBotAnswerer({ orgId: bot.orgId, botId: bot.id });
  if (answerer.data?.mode === 'offline')
    return (
      <div className="notice" role="status" data-testid="answerer-notice">
        <p>
          <strong>No language model is configured.</strong> Answers are composed offline from this bot's
          knowledge: the sentences that best match each question, with their sources. Visitors are not told.
        </p>
        <p>
          To have a model write the answers, the platform operator sets <code>GATEWAY_UPSTREAM_BASE_URL</code>{' '}
          (an OpenAI-compatible endpoint) on the inference gateway.
        </p>
      </div>
    );
  if (answerer.data?.mode === 'none')
    return (
      <div className="notice" role="alert" data-testid="answerer-notice">
        <p>
          <strong>Nothing answers this bot's visitors:</strong> this platform has neither an inference gateway
          nor a language model configured, so every chat is refused. Ask the platform operator to set{' '}
          <code>GATEWAY_URL</code>.
        </p>
      </div>
    );
  return null;
}
