import type { AppDeps } from '../app-deps.js';
import type { Logger } from '../logger.js';
import type { OrgPermission } from '../services/access/org-access.js';
import type { Principal } from '../services/access/principal.js';
import { botAccessRefused } from '../services/bots/find-accessible-bot.js';
import { type AccessibleBot, readBotAccess } from '../services/bots/read-bot-access.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

/**
 * ensureOrgMirror then findAccessibleBot, with the same answers (404 for a gone or unknown org
 * or a bot the caller cannot see, 503 when the chain must be asked and cannot be, 403 for a
 * member lacking the permission), in one statement when the mirror is fresh: the hot path of
 * routes that need only the bot's id, embedder and vector slot (retrieval).
 */
export async function ensureBotAccess(
  deps: AppDeps,
  context: {
    orgId: string;
    botId: string;
    principal: Principal;
    permission: OrgPermission;
    now: Date;
    log: Logger;
  },
): Promise<AccessibleBot> {
  const read = () => readBotAccess({ db: deps.db, ...context });
  let access = await read();
  // A mirror rewritten from the chain may carry other roles: read them again.
  if ((await ensureOrgMirror(deps, { ...context, mirror: access.mirror })) === 'synced')
    access = await read();
  if (access.permitted && access.bot) return access.bot;
  throw botAccessRefused({ ...context, visible: access.visible && access.bot !== null });
}
