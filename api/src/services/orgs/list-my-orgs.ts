import type { OrgDirectory } from '../../chain/org-directory.js';
import type { Database } from '../../db/prisma.js';
import type { OrgRole } from '../../generated/prisma/enums.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Logger } from '../../logger.js';
import { ensureFreshOrgMirror } from './ensure-fresh-org-mirror.js';

export interface MyOrg {
  id: string;
  name: string;
  owner: string;
  role: OrgRole;
  syncedAt: string;
}

/**
 * The orgs in which `address` holds a role. Asks the chain which orgs those are (new roles
 * show up at once after sign-in) and refreshes their mirrors; falls back to the mirror alone
 * when the chain is unreachable.
 */
export async function listMyOrgs(options: {
  db: Database;
  orgDirectory: OrgDirectory;
  address: string;
  maxAgeSeconds: number;
  now: Date;
  log: Logger;
}): Promise<MyOrg[]> {
  const { db, address } = options;
  try {
    const chainOrgIds = await options.orgDirectory.orgsOf(address);
    const mirrored = await db.member.findMany({ where: { address }, select: { orgId: true } });
    // Orgs the chain lists now, and those the mirror still lists (the address may have lost
    // its role there): refreshing both makes the answer match the chain.
    const mirroredIds = mirrored.map((m) => m.orgId);
    for (const orgId of new Set([...chainOrgIds, ...mirroredIds])) {
      // Where chain and mirror disagree about this address, the mirror is out of date.
      const agree = chainOrgIds.includes(orgId) && mirroredIds.includes(orgId);
      try {
        await ensureFreshOrgMirror({ ...options, orgId, maxAgeSeconds: agree ? options.maxAgeSeconds : 0 });
      } catch (error) {
        // A gone org, or one of another contract, is left out; the others are still listed.
        if (!(error instanceof AppError) || error.code === AppErrorCode.CHAIN_UNAVAILABLE) throw error;
      }
    }
  } catch (error) {
    options.log.warn({ err: error }, 'could not ask the chain for my orgs; answering from the mirror');
  }
  const memberships = await db.member.findMany({
    where: { address, org: { goneAt: null } },
    include: { org: true },
    orderBy: { orgId: 'asc' },
  });
  return memberships.map((m) => ({
    id: m.org.id,
    name: m.org.name,
    owner: m.org.owner,
    role: m.role,
    syncedAt: m.org.syncedAt.toISOString(),
  }));
}
