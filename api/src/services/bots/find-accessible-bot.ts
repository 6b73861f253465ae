import type { Database } from '../../db/prisma.js';
import type { Bot } from '../../generated/prisma/client.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { type OrgPermission, orgWhere } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';

/**
 * The bot, if it belongs to `orgId` and `principal` holds `permission` there. The check is in
 * the Prisma `where`, so a bot of another org looks exactly like a missing one (NOT_FOUND);
 * a member of the org lacking the permission gets FORBIDDEN.
 */
export async function findAccessibleBot(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
  permission: OrgPermission;
}): Promise<Bot> {
  const { db, orgId, botId, principal, permission } = options;
  const bot = await db.bot.findFirst({ where: botWhere({ orgId, botId, principal, permission }) });
  if (bot) return bot;
  const visible = await db.bot.findFirst({
    where: botWhere({ orgId, botId, principal, permission: 'org:read' }),
    select: { id: true },
  });
  throw botAccessRefused({ orgId, botId, permission, visible: visible !== null });
}

/**
 * Why a caller may not act on a bot: FORBIDDEN when it may see the bot (`org:read`) but lacks
 * the permission, else NOT_FOUND, whether the bot is missing or in an org it cannot see.
 */
export function botAccessRefused(options: {
  orgId: string;
  botId: string;
  permission: OrgPermission;
  visible: boolean;
}): AppError {
  return options.visible
    ? new AppError(
        AppErrorCode.FORBIDDEN,
        `your role in org ${options.orgId} does not allow ${options.permission}`,
      )
    : new AppError(AppErrorCode.NOT_FOUND, `bot ${options.botId} not found`);
}

export function botWhere(options: {
  orgId: string;
  botId: string;
  principal: Principal;
  permission: OrgPermission;
}) {
  return { id: options.botId, orgId: options.orgId, org: orgWhere(options.principal, options.permission) };
}
