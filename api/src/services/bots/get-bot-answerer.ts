import { z } from 'zod';
import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import type { BotPlatform } from './bot-platform.js';
import { findAccessibleBot } from './find-accessible-bot.js';

export const botAnswererSchema = z.object({
  /**
   * `model`: a language model answers. `offline`: none is configured, so the gateway quotes the
   * best-matching passages instead (visitors get those, neutrally worded; only members are told
   * here). `none`: this api has no answerer at all, and chat is refused.
   */
  mode: z.enum(['model', 'offline', 'none']),
  /** The model the bot asks for (answered by the offline answerer in `offline` mode). */
  model: z.string(),
});
export type BotAnswerer = z.infer<typeof botAnswererSchema>;

/** Who answers a bot's visitors, for the org's members: the dapp's "no model configured" notice. */
export async function getBotAnswerer(options: {
  db: Database;
  platform: Pick<BotPlatform, 'answerer' | 'offeredModels'>;
  orgId: string;
  botId: string;
  principal: Principal;
}): Promise<BotAnswerer> {
  const { platform } = options;
  const bot = await findAccessibleBot({ ...options, permission: 'bots:read' });
  if (!platform.answerer) return { mode: 'none', model: bot.model };
  const offered = await platform.offeredModels();
  return { mode: offered.offline ? 'offline' : 'model', model: bot.model };
}
