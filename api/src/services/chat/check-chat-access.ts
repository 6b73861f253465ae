import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { orgWhere } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';
import { authenticateRequest } from '../auth/authenticate-request.js';
import type { ChatBot } from './chat-bot-cache.js';

export type ChatCaller =
  | { kind: 'frame' }
  | { kind: 'origin'; origin: string }
  | { kind: 'apiKey'; keyId: string }
  | { kind: 'member'; address: string };

/**
 * Who may chat with a bot, decided before anything is spent:
 *  - with `Authorization`: an org API key with the `chat` scope (server-to-server), or a
 *    signed-in member (the dashboard's test chat, which also works before publishing);
 *  - without: only a published bot, and only from a browser, i.e. with an Origin that is
 *    either our own (the /embed frame, whose embedding browsers restrict with CSP
 *    frame-ancestors; Sec-Fetch-Site says same-origin) or one of the bot's allowed origins.
 * A request with no Origin and no credential is a server calling: it needs an API key.
 */
export async function checkChatAccess(options: {
  db: Database;
  bot: Pick<ChatBot, 'orgId' | 'published' | 'allowedOrigins'>;
  authorization: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  ownOrigin: string;
  now: Date;
}): Promise<ChatCaller> {
  const { db, bot, origin } = options;
  if (options.authorization) {
    const principal: Principal = await authenticateRequest({
      db,
      authorization: options.authorization,
      allowApiKey: true,
      now: options.now,
    });
    if (principal.kind === 'apiKey') {
      if (principal.orgId === bot.orgId && principal.scopes.includes('chat'))
        return { kind: 'apiKey', keyId: principal.keyId };
    } else {
      const member = await db.org.findFirst({
        where: { id: bot.orgId, ...orgWhere(principal, 'bots:read') },
        select: { id: true },
      });
      if (member) return { kind: 'member', address: principal.address };
    }
    throw new AppError(AppErrorCode.NOT_FOUND, 'this bot does not exist or is not published');
  }
  if (!bot.published)
    throw new AppError(AppErrorCode.NOT_FOUND, 'this bot does not exist or is not published');
  if (!origin) {
    throw new AppError(
      AppErrorCode.FORBIDDEN,
      'calls without a browser Origin are server-to-server calls: send an org API key with the chat scope',
    );
  }
  if (
    origin === options.ownOrigin &&
    (options.secFetchSite === undefined || options.secFetchSite === 'same-origin')
  )
    return { kind: 'frame' };
  if (bot.allowedOrigins.includes(origin)) return { kind: 'origin', origin };
  throw new AppError(
    AppErrorCode.FORBIDDEN,
    `the origin ${origin.slice(0, 200)} is not allowed to use this bot`,
    { details: { reason: 'ORIGIN_NOT_ALLOWED' } },
  );
}
