import type { Database } from '../../db/prisma.js';
import { ESTIMATE_CHARS_PER_TOKEN } from './chat-reservation.js';

export interface ChatTurnAdmission {
  /** This minute's requests of the visitor and of the bot, this one included. */
  visitorCount: number;
  botCount: number;
  /** Tokens (prompt + completion) the visitor spent today, and the tokens turns in flight hold. */
  spent: number;
  spendHeld: number;
  /** Off-chain messages of the org since the period began; null when not asked (no quota). */
  messagesUsed: number | null;
  /** Messages that turns in flight hold against the org's quota. */
  messagesHeld: number;
  /** The conversation continued, when one was named: null when it is not this visitor's. */
  conversation: { history: { role: 'user' | 'assistant'; content: string }[] } | null;
  /** Tokens this turn holds; 0 when it was not admitted (nothing held). */
  heldTokens: number;
}

/**
 * Everything a chat turn must read or count before it may start, in ONE statement: the
 * rate-limit counters of the visitor and the bot (incremented), the visitor's spend today and
 * what turns in flight hold of it, the org's messages this period and those held, and, when
 * the turn continues a conversation, whether it belongs to this visitor and its last messages.
 * When every limit passes, the same statement holds the turn's estimated tokens and one message
 * (ChatReservation): turns admitted at the same time see each other's holds, so N concurrent
 * turns cannot all pass a check that only one of them fits. One round trip instead of five
 * matters on the embedded database, where every statement of every request waits its turn on
 * one connection.
 */
export async function admitChatTurn(options: {
  db: Database;
  botId: string;
  orgId: string;
  visitorCounterKey: string;
  botCounterKey: string;
  minute: Date;
  spendKey: string;
  day: Date;
  /** First UTC day of the quota period; null when the plan has no message quota. */
  usageSince: Date | null;
  conversation: { id: string; visitorId: string; historyLimit: number } | null;
  limits: {
    visitorPerMinute: number;
    botPerMinute: number;
    visitorDailyTokens: number;
    /** null: no message quota. */
    messages: number | null;
    /** Messages the chain counted this period (null: unknown or no quota). */
    chainMessagesUsed: number | null;
  };
  hold: {
    window: Date;
    countSince: Date;
    heldSpendKey: string;
    heldMessagesKey: string;
    /** Estimated tokens without the history, which this statement measures. */
    tokens: number;
  };
}): Promise<ChatTurnAdmission> {
  const o = options;
  const l = o.limits;
  const h = o.hold;
  const conversationId = o.conversation?.id ?? null;
  const rows = await o.db.$queryRaw<ChatTurnAdmission[]>`
    WITH counted AS (
      INSERT INTO "RateLimitCounter" (key, "windowStart", count)
      VALUES (${o.visitorCounterKey}, ${o.minute}, 1), (${o.botCounterKey}, ${o.minute}, 1)
      ON CONFLICT (key, "windowStart") DO UPDATE SET count = "RateLimitCounter".count + 1
      RETURNING key, count
    ),
    state AS (
      SELECT
        (SELECT count FROM counted WHERE key = ${o.visitorCounterKey})::int AS "visitorCount",
        (SELECT count FROM counted WHERE key = ${o.botCounterKey})::int AS "botCount",
        coalesce((SELECT count FROM "RateLimitCounter" WHERE key = ${o.spendKey} AND "windowStart" = ${o.day}), 0)::int AS spent,
        coalesce((SELECT sum(count) FROM "RateLimitCounter" WHERE key = ${h.heldSpendKey} AND "windowStart" >= ${h.countSince}), 0)::int AS "spendHeld",
        (CASE WHEN ${o.usageSince}::date IS NULL THEN NULL ELSE
          (SELECT coalesce(sum(messages), 0) FROM "UsageDaily" WHERE "orgId" = ${o.orgId} AND day >= ${o.usageSince}::date)
        END)::int AS "messagesUsed",
        coalesce((SELECT sum(count) FROM "RateLimitCounter" WHERE key = ${h.heldMessagesKey} AND "windowStart" >= ${h.countSince}), 0)::int AS "messagesHeld",
        (CASE WHEN ${conversationId}::uuid IS NULL THEN NULL ELSE (
          SELECT json_build_object('history', coalesce((
            SELECT json_agg(json_build_object('role', m.role, 'content', m.content) ORDER BY m."createdAt", m.role)
            FROM (SELECT role, content, "createdAt" FROM "Message" WHERE "conversationId" = c.id
                  ORDER BY "createdAt" DESC LIMIT ${o.conversation?.historyLimit ?? 0}) m), '[]'::json))
          FROM "Conversation" c
          WHERE c.id = ${conversationId}::uuid AND c."botId" = ${o.botId}::uuid AND c."visitorId" = ${o.conversation?.visitorId ?? ''})
        END) AS conversation
    ),
    decided AS (
      SELECT state.*,
        (CASE WHEN "visitorCount" <= ${l.visitorPerMinute}
          AND "botCount" <= ${l.botPerMinute}
          AND spent + "spendHeld" < ${l.visitorDailyTokens}
          AND (${l.messages}::int IS NULL
               OR greatest(coalesce("messagesUsed", 0), coalesce(${l.chainMessagesUsed}::int, 0)) + "messagesHeld" < ${l.messages}::int)
          AND (${conversationId}::uuid IS NULL OR conversation IS NOT NULL)
        THEN ${h.tokens}::int + ceil(coalesce((
          SELECT sum(length(m->>'content')) FROM json_array_elements(conversation->'history') m), 0) / ${ESTIMATE_CHARS_PER_TOKEN}::numeric)::int
        ELSE 0 END) AS "heldTokens"
      FROM state
    ),
    held AS (
      INSERT INTO "RateLimitCounter" (key, "windowStart", count)
      SELECT k, ${h.window}, n FROM decided,
        LATERAL (VALUES (${h.heldSpendKey}, decided."heldTokens"), (${h.heldMessagesKey}, 1)) AS hold(k, n)
      WHERE decided."heldTokens" > 0
      ON CONFLICT (key, "windowStart") DO UPDATE SET count = "RateLimitCounter".count + EXCLUDED.count
    )
    SELECT * FROM decided`;
  const row = rows[0];
  if (!row) throw new Error('the chat admission statement returned no row');
  return row;
}
