import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import { actorOf, type Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { botColumns, syncBotWebhook } from './bot-columns.js';
import type { BotPlatform } from './bot-platform.js';
import type { CreateBotBody } from './bot-settings.js';
import { type BotView, botView } from './bot-view.js';
import { checkBotModel } from './offered-models.js';
import { resolveEmbedderId } from './resolve-embedder.js';

/**
 * Creates a bot, within the plan's bot limit read from the billing contract. The chain is
 * asked before the transaction; inside it, a per-org advisory lock makes count-then-insert
 * atomic, so two simultaneous creations cannot both take the last slot.
 */
export async function createBot(options: {
  db: Database;
  platform: BotPlatform;
  orgId: string;
  principal: Principal;
  settings: CreateBotBody;
  requestId: string;
  now: Date;
}): Promise<BotView> {
  const { db, platform, orgId, principal, settings, now } = options;
  await findAccessibleOrg({ db, orgId, principal, permission: 'bots:write' });
  const plan = await platform.plans.planOf(orgId, now);
  const limit = plan.active ? plan.quotas.bots : 0;
  const model = settings.model ?? platform.settings.defaultBotModel;
  await checkBotModel(platform, model);
  const embedderId = resolveEmbedderId(platform, settings.embedder);
  const columns = botColumns(settings, { embedderId, encryption: platform.encryption });
  const bot = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`bots:${orgId}`}))`;
    if (limit !== null) {
      const count = await tx.bot.count({ where: { orgId } });
      if (count >= limit) {
        throw new AppError(
          AppErrorCode.QUOTA_EXHAUSTED,
          `the organization’s plan allows ${limit} bot${limit === 1 ? '' : 's'}: upgrade the plan or delete a bot`,
          {
            details: { reason: 'BOT_LIMIT', limit, used: count },
          },
        );
      }
    }
    const created = await tx.bot.create({
      data: {
        ...(columns as object),
        orgId,
        name: settings.name,
        model,
        embedder: embedderId,
        allowedOrigins: (columns.allowedOrigins as string[] | undefined) ?? [],
        createdBy: actorOf(principal),
        createdAt: now,
      } as never,
    });
    await syncBotWebhook(tx, created.id, columns);
    await tx.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'bot.create',
        targetType: 'bot',
        targetId: created.id,
        details: { name: created.name },
        requestId: options.requestId,
      }),
    });
    return created;
  });
  return botView(bot);
}
