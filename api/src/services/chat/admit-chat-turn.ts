import type { Database } from '../../db/prisma.js';

export interface ChatTurnAdmission {
  /** This minute's requests of the visitor and of the bot, this one included. */
  visitorCount: number;
  botCount: number;
  /** Completion tokens the visitor spent today. */
  spent: number;
  /** Off-chain messages of the org since the period began; null when not asked (no quota). */
  messagesUsed: number | null;
  /** The conversation continued, when one was named: null when it is not this visitor's. */
  conversation: { history: { role: 'user' | 'assistant'; content: string }[] } | null;
}

/**
 * Everything a chat turn must read or count before it may start, in ONE statement: the
 * rate-limit counters of the visitor and the bot (incremented), the visitor's spend today,
 * the org's messages this period (for the quota) and, when the turn continues a
 * conversation, whether it belongs to this visitor and its last messages. One round trip
 * instead of five matters on the embedded database, where every statement of every request
 * waits its turn on one connection.
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
}): Promise<ChatTurnAdmission> {
  const o = options;
  const conversationId = o.conversation?.id ?? null;
  const rows = await o.db.$queryRaw<ChatTurnAdmission[]>`
    WITH counted AS (
      INSERT INTO "RateLimitCounter" (key, "windowStart", count)
      VALUES (${o.visitorCounterKey}, ${o.minute}, 1), (${o.botCounterKey}, ${o.minute}, 1)
      ON CONFLICT (key, "windowStart") DO UPDATE SET count = "RateLimitCounter".count + 1
      RETURNING key, count
    )
    SELECT
      (SELECT count FROM counted WHERE key = ${o.visitorCounterKey})::int AS "visitorCount",
      (SELECT count FROM counted WHERE key = ${o.botCounterKey})::int AS "botCount",
      coalesce((SELECT count FROM "RateLimitCounter" WHERE key = ${o.spendKey} AND "windowStart" = ${o.day}), 0)::int AS spent,
      (CASE WHEN ${o.usageSince}::date IS NULL THEN NULL ELSE
        (SELECT coalesce(sum(messages), 0) FROM "UsageDaily" WHERE "orgId" = ${o.orgId} AND day >= ${o.usageSince}::date)
      END)::int AS "messagesUsed",
      (CASE WHEN ${conversationId}::uuid IS NULL THEN NULL ELSE (
        SELECT json_build_object('history', coalesce((
          SELECT json_agg(json_build_object('role', m.role, 'content', m.content) ORDER BY m."createdAt", m.role)
          FROM (SELECT role, content, "createdAt" FROM "Message" WHERE "conversationId" = c.id
                ORDER BY "createdAt" DESC LIMIT ${o.conversation?.historyLimit ?? 0}) m), '[]'::json))
        FROM "Conversation" c
        WHERE c.id = ${conversationId}::uuid AND c."botId" = ${o.botId}::uuid AND c."visitorId" = ${o.conversation?.visitorId ?? ''})
      END) AS conversation`;
  const row = rows[0];
  if (!row) throw new Error('the chat admission statement returned no row');
  return row;
}
