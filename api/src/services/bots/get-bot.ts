import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import { type BotView, botView } from './bot-view.js';
import { findAccessibleBot } from './find-accessible-bot.js';

export async function getBot(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
}): Promise<BotView> {
  return botView(await findAccessibleBot({ ...options, permission: 'bots:read' }));
}
