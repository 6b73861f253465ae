import { AppError, AppErrorCode } from '../../http/app-error.js';
import { LOCAL_EMBEDDER_ID } from '../embeddings/local-hash-embedder.js';
import type { BotPlatform } from './bot-platform.js';

/** The embedder id for the API's `embedder: 'local' | 'openai'` choice. */
export function resolveEmbedderId(platform: BotPlatform, kind: 'local' | 'openai' | undefined): string {
  if (kind === undefined) return platform.defaultEmbedderId;
  if (kind === 'local') return LOCAL_EMBEDDER_ID;
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
