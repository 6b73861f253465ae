import type { Prisma } from '../../db/prisma.js';

/** The UTC day (a DATE) of a moment, as UsageDaily keys it. */
export function usageDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Adds to a bot's counters of the day in one upsert (no read-modify-write, so concurrent
 * answers never lose a count). Callers run it in the transaction that records what is counted.
 */
export async function recordUsage(
  tx: Prisma.TransactionClient,
  options: {
    botId: string;
    orgId: string;
    now: Date;
    conversations?: number;
    messages?: number;
    promptTokens?: number;
    completionTokens?: number;
    leads?: number;
  },
): Promise<void> {
  const day = usageDay(options.now);
  await tx.$executeRaw`
    INSERT INTO "UsageDaily" ("botId", day, "orgId", conversations, messages, "promptTokens", "completionTokens", leads)
    VALUES (${options.botId}::uuid, ${day}::date, ${options.orgId}, ${options.conversations ?? 0}, ${options.messages ?? 0},
      ${options.promptTokens ?? 0}, ${options.completionTokens ?? 0}, ${options.leads ?? 0})
    ON CONFLICT ("botId", day) DO UPDATE SET
      conversations = "UsageDaily".conversations + EXCLUDED.conversations,
      messages = "UsageDaily".messages + EXCLUDED.messages,
      "promptTokens" = "UsageDaily"."promptTokens" + EXCLUDED."promptTokens",
      "completionTokens" = "UsageDaily"."completionTokens" + EXCLUDED."completionTokens",
      leads = "UsageDaily".leads + EXCLUDED.leads`;
}
