import { useId } from 'react';
import type { Bot } from '../core/api/api-types.js';
import { useReembedding } from '../hooks/use-bots.js';
import { ErrorNotice } from './query-state.js';

/** The re-embedding under way after an embedder change, until the bot switches to the new index. */
export function ReembedProgress({ bot }: { bot: Pick<Bot, 'id' | 'orgId'> }) {
  const reembedding = useReembedding({ orgId: bot.orgId, botId: bot.id });
  const id = useId();
  if (reembedding.error) return <ErrorNotice error={reembedding.error} />;
  const progress = reembedding.data;
  if (!progress) return null;
  return (
    <div data-testid="reembed-progress">
      <label htmlFor={id}>
        Re-embedding with {progress.embedder}: {progress.chunksDone} of {progress.chunksTotal} passages
      </label>
      <progress id={id} max={Math.max(progress.chunksTotal, 1)} value={progress.chunksDone}>
        {progress.chunksDone} / {progress.chunksTotal}
      </progress>
      <p className="status">Answers keep using the current index until every passage is re-embedded.</p>
    </div>
  );
}
