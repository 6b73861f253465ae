import type { Database } from '../../db/prisma.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import { orgWhere } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';
import { type BotView, botView } from './bot-view.js';

export async function listBots(options: {
  db: Database;
  orgId: string;
  principal: Principal;
}): Promise<BotView[]> {
  const { db, orgId, principal } = options;
  await findAccessibleOrg({ db, orgId, principal, permission: 'bots:read' });
  const bots = await db.bot.findMany({
    where: { orgId, org: orgWhere(principal, 'bots:read') },
    orderBy: { createdAt: 'asc' },
  });
  return bots.map(botView);
}
