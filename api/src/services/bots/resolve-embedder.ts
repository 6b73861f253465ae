import { AppError, AppErrorCode } from '../../http/app-error.js';
import { LOCAL_EMBEDDER_ID } from '../embeddings/local-hash-embedder.js';
import type { BotPlatform } from './bot-platform.js';

/**
 * The embedder id for the API's `embedder` choice: `local` is the sentence model this server
 * runs, `hash` the keyword-only fallback, `openai` the configured remote endpoint.
 */
export function resolveEmbedderId(
  platform: BotPlatform,
  kind: 'local' | 'hash' | 'openai' | undefined,
): string {
  if (kind === undefined) return platform.defaultEmbedderId;
  if (kind === 'local') return platform.localEmbedderId;
  if (kind === 'hash') return LOCAL_EMBEDDER_ID;
  if (!platform.openAiEmbedderId) {
    throw new AppError(
      AppErrorCode.VALIDATION_FAILED,
      'no OpenAI-compatible embeddings endpoint is configured on this server',
      {
        details: { issues: [{ location: 'body', path: 'embedder', message: 'use "local"' }] },
      },
    );
  }
  return platform.openAiEmbedderId;
}
