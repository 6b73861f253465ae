import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/prisma.js';
import { usageDay } from '../analytics/record-usage.js';
import type { ChatReservation } from './chat-reservation.js';
import { dayWindow } from './rate-limits.js';

export interface StoredCitation {
  title: string;
  url?: string;
  sourceId: string;
  chunkId: string;
}

/**
 * Writes one chat turn in ONE statement (atomic without a transaction, one round trip): the
 * conversation (created, or its count and last-message time moved), the visitor's question,
 * the answer when there is one, the bot's daily counters (a new conversation; an answered
 * message with its tokens), the visitor's spend (prompt + completion tokens) and the release
 * of what admission held for the turn (ChatReservation), so a hold is settled exactly when the
 * turn is counted, whatever way the turn ended. Called after the answer streamed, so
 * nothing of it delays the first token; an answer is counted exactly when it is stored.
 * A turn without answer (the model was never called, or failed before answering) still stores
 * the question and counts nothing. An answer stopped early (the visitor left, the model failed
 * mid-answer) is counted with the tokens the gateway attested for it, and stored as far as it
 * got (not at all when it got no text).
 * When the bot was deleted while its answer streamed, the conversation and messages are not
 * stored (they would go with the bot) but the answer is still counted: the gateway's
 * attestation puts it on chain, and the org's counters must agree.
 */
export async function recordChatTurn(options: {
  db: Database;
  botId: string;
  orgId: string;
  conversationId: string;
  isNewConversation: boolean;
  visitorId: string;
  origin: string | null;
  question: string;
  askedAt: Date;
  answer: {
    id: string;
    content: string;
    citations: StoredCitation[];
    promptTokens: number;
    completionTokens: number;
    answeredAt: Date;
  } | null;
  spendKey: string;
  /** What admission held for this turn; this statement settles it (null: nothing held). */
  reservation: ChatReservation | null;
}): Promise<void> {
  const o = options;
  const answer = o.answer;
  const answered = answer ? 1 : 0;
  const stored = answer?.content ? 1 : 0;
  const completionTokens = answer?.completionTokens ?? 0;
  const spentTokens = (answer?.promptTokens ?? 0) + completionTokens;
  const hold = o.reservation;
  const lastMessageAt = answer?.answeredAt ?? o.askedAt;
  await o.db.$executeRaw`
    WITH conversation AS (
      INSERT INTO "Conversation" (id, "botId", "visitorId", origin, "messageCount", "createdAt", "lastMessageAt")
      SELECT ${o.conversationId}::uuid, ${o.botId}::uuid, ${o.visitorId}, ${o.origin}, ${1 + stored}, ${o.askedAt}, ${lastMessageAt}
      WHERE EXISTS (SELECT 1 FROM "Bot" WHERE id = ${o.botId}::uuid)
      ON CONFLICT (id) DO UPDATE SET
        "messageCount" = "Conversation"."messageCount" + EXCLUDED."messageCount",
        "lastMessageAt" = EXCLUDED."lastMessageAt"
      RETURNING id
    ),
    question AS (
      INSERT INTO "Message" (id, "conversationId", role, content, "createdAt")
      SELECT ${randomUUID()}::uuid, id, 'user', ${o.question}, ${o.askedAt} FROM conversation
    ),
    answer AS (
      INSERT INTO "Message" (id, "conversationId", role, content, citations, "promptTokens", "completionTokens", "createdAt")
      SELECT ${answer?.id ?? null}::uuid, id, 'assistant', ${answer?.content ?? ''}, ${JSON.stringify(answer?.citations ?? [])}::jsonb,
        ${answer?.promptTokens ?? 0}, ${completionTokens}, ${lastMessageAt}
      FROM conversation WHERE ${stored} = 1
    ),
    usage AS (
      INSERT INTO "UsageDaily" ("botId", day, "orgId", conversations, messages, "promptTokens", "completionTokens", leads)
      VALUES (${o.botId}::uuid, ${usageDay(o.askedAt)}::date, ${o.orgId}, ${o.isNewConversation ? 1 : 0}, ${answered},
        ${answer?.promptTokens ?? 0}, ${completionTokens}, 0)
      ON CONFLICT ("botId", day) DO UPDATE SET
        conversations = "UsageDaily".conversations + EXCLUDED.conversations,
        messages = "UsageDaily".messages + EXCLUDED.messages,
        "promptTokens" = "UsageDaily"."promptTokens" + EXCLUDED."promptTokens",
        "completionTokens" = "UsageDaily"."completionTokens" + EXCLUDED."completionTokens"
    ),
    released AS (
      UPDATE "RateLimitCounter" r SET count = r.count - h.n
      FROM (VALUES (${hold?.heldSpendKey ?? ''}, ${hold?.tokens ?? 0}::int), (${hold?.heldMessagesKey ?? ''}, 1)) AS h(k, n)
      WHERE ${hold !== null} AND r.key = h.k AND r."windowStart" = ${hold?.window ?? o.askedAt}
    )
    INSERT INTO "RateLimitCounter" (key, "windowStart", count)
    SELECT ${o.spendKey}, ${dayWindow(o.askedAt)}, ${spentTokens}::int WHERE ${spentTokens}::int > 0
    ON CONFLICT (key, "windowStart") DO UPDATE SET count = "RateLimitCounter".count + EXCLUDED.count`;
}
