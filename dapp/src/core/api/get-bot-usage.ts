import { dayLabel } from '../actions/get-on-chain-usage.js';
import type { DappConfig } from '../config.js';
import { apiRequest } from './api-request.js';

export interface BotUsage {
  botId: string;
  /** unix day → messages */
  messagesByDay: Map<number, number>;
  totalMessages: number;
}

/** One bot's daily counters (`GET …/bots/:botId/analytics`), keyed by unix day like the page's rows. */
export async function getBotUsage(
  config: DappConfig,
  parameters: { orgId: string; botId: string; fromDay: number; toDay: number },
): Promise<BotUsage> {
  const body = await apiRequest<{ days: { day: string; messages: number }[]; totals: { messages: number } }>(
    config,
    {
      path: `/v1/orgs/${encodeURIComponent(parameters.orgId)}/bots/${encodeURIComponent(parameters.botId)}/analytics`,
      query: { from: dayLabel(parameters.fromDay), to: dayLabel(parameters.toDay) },
    },
  );
  return {
    botId: parameters.botId,
    messagesByDay: new Map(
      body.days.map((row) => [Math.floor(Date.parse(`${row.day}T00:00:00Z`) / 86_400_000), row.messages]),
    ),
    totalMessages: body.totals.messages,
  };
}
