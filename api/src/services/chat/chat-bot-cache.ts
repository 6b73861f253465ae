import type { Database } from '../../db/prisma.js';
import type { VectorSlot } from '../knowledge/vector-slots.js';
import { TtlCache } from '../quotas/ttl-cache.js';

/** What one chat turn needs of its bot. */
export interface ChatBot {
  id: string;
  orgId: string;
  published: boolean;
  allowedOrigins: string[];
  systemPrompt: string;
  model: string;
  temperature: number;
  maxTokens: number;
  /** "" when the bot has none. */
  fallbackMessage: string;
  embedder: string;
  /** Where `embedder`'s vectors are (knowledge/vector-slots). */
  vectorSlot: VectorSlot;
  visitorRateLimitPerMin: number;
  botRateLimitPerMin: number;
  visitorDailyTokenCap: number;
  /** Strings no answer may say (LearnOnlyGuard). */
  secrets: string[];
}

/**
 * Bots as chat reads them, cached for a couple of seconds: every message of every visitor
 * needs its bot, while settings change rarely. This process forgets a bot as soon as one of
 * its routes changes it (publish, unpublish, settings, delete); other api processes see the
 * change within `ttlSeconds`. Read with plain SQL: this is the hottest lookup of the api.
 */
export class ChatBotCache {
  private readonly cache: TtlCache<ChatBot | null>;

  constructor(ttlSeconds: number) {
    this.cache = new TtlCache(ttlSeconds * 1000);
  }

  get(db: Database, botId: string, now: Date): Promise<ChatBot | null> {
    return this.cache.get(botId, now.getTime(), async () => {
      const rows = await db.$queryRaw<ChatBot[]>`
        SELECT id::text, "orgId", published, "allowedOrigins", "systemPrompt", model, temperature,
          "maxTokens", "fallbackMessage", embedder, "vectorSlot"::int AS "vectorSlot", "visitorRateLimitPerMin", "botRateLimitPerMin", "visitorDailyTokenCap", secrets
        FROM "Bot" WHERE id = ${botId}::uuid`;
      return rows[0] ?? null;
    });
  }

  forget(botId: string): void {
    this.cache.delete(botId);
  }
}
