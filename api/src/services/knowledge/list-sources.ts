import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Principal } from '../access/principal.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';
import { type SourceView, sourceView } from './source-view.js';

export async function listSources(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
}): Promise<SourceView[]> {
  const bot = await findAccessibleBot({ ...options, permission: 'bots:read' });
  const sources = await options.db.source.findMany({
    where: { botId: bot.id },
    orderBy: { createdAt: 'asc' },
    include: { ingestJobs: { orderBy: { createdAt: 'desc' }, take: 1 } },
  });
  return sources.map((source) => sourceView(source, source.ingestJobs[0]));
}

export async function getSource(options: {
  db: Database;
  orgId: string;
  botId: string;
  sourceId: string;
  principal: Principal;
}): Promise<SourceView> {
  const bot = await findAccessibleBot({ ...options, permission: 'bots:read' });
  const source = await options.db.source.findFirst({
    where: { id: options.sourceId, botId: bot.id },
    include: { ingestJobs: { orderBy: { createdAt: 'desc' }, take: 1 } },
  });
  if (!source) {
    throw new AppError(AppErrorCode.NOT_FOUND, `source ${options.sourceId} not found`);
  }
  return sourceView(source, source.ingestJobs[0]);
}
