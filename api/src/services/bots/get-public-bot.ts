import type { Database } from '../../db/prisma.js';
import type { Bot } from '../../generated/prisma/client.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';

/** A published bot by id, for the public routes; unpublished and missing look the same. */
export async function getPublishedBot(options: { db: Database; botId: string }): Promise<Bot> {
  // A gone org's bots answer no one (its data waits for the operator's purge).
  const bot = await options.db.bot.findFirst({
    where: { id: options.botId, published: true, org: { goneAt: null } },
  });
  if (!bot) throw new AppError(AppErrorCode.NOT_FOUND, 'this bot does not exist or is not published');
  return bot;
}
