import type { Database } from '../../db/prisma.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import { orgWhere } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';
import { type ApiKeyView, apiKeyView } from './api-key-view.js';

export async function listApiKeys(options: {
  db: Database;
  orgId: string;
  principal: Principal;
}): Promise<ApiKeyView[]> {
  const { db, orgId, principal } = options;
  await findAccessibleOrg({ db, orgId, principal, permission: 'apiKeys:manage' });
  const keys = await db.apiKey.findMany({
    where: { orgId, org: orgWhere(principal, 'apiKeys:manage') },
    orderBy: { createdAt: 'desc' },
  });
  return keys.map(apiKeyView);
}
