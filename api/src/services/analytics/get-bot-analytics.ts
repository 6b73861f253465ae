import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';
import { usageDay } from './record-usage.js';

export interface BotDayAnalytics {
  day: string;
  conversations: number;
  messages: number;
  promptTokens: number;
  completionTokens: number;
  leads: number;
}

/** Per-day counters of one bot over [from, to] (UTC days), days without activity omitted, plus totals. */
export async function getBotAnalytics(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
  from: Date;
  to: Date;
}): Promise<{ days: BotDayAnalytics[]; totals: Omit<BotDayAnalytics, 'day'> }> {
  const bot = await findAccessibleBot({ ...options, permission: 'bots:read' });
  const rows = await options.db.usageDaily.findMany({
    where: { botId: bot.id, day: { gte: usageDay(options.from), lte: usageDay(options.to) } },
    orderBy: { day: 'asc' },
  });
  const days = rows.map((row) => ({
    day: row.day.toISOString().slice(0, 10),
    conversations: row.conversations,
    messages: row.messages,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    leads: row.leads,
  }));
  const totals = { conversations: 0, messages: 0, promptTokens: 0, completionTokens: 0, leads: 0 };
  for (const day of days) {
    totals.conversations += day.conversations;
    totals.messages += day.messages;
    totals.promptTokens += day.promptTokens;
    totals.completionTokens += day.completionTokens;
    totals.leads += day.leads;
  }
  return { days, totals };
}
