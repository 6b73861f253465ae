import type { OrgDirectory } from '../../chain/org-directory.js';
import type { Database } from '../../db/prisma.js';
import type { OrgRole } from '../../generated/prisma/enums.js';
import { roleRank } from '../access/org-access.js';

/**
 * Copies one org and its roles from the chain into Org/Member, replacing what was there.
 * Returns false when the chain has no such org (its mirror is then removed). The chain call
 * happens before the transaction: the embedded database runs one transaction at a time, so
 * no transaction may wait on the network.
 */
export async function syncOrgMirror(options: {
  db: Database;
  orgDirectory: OrgDirectory;
  orgId: string;
  now: Date;
}): Promise<boolean> {
  const { db, orgId, now } = options;
  const record = await options.orgDirectory.getOrg(orgId);
  if (!record) {
    await db.org.deleteMany({ where: { id: orgId } });
    return false;
  }
  const roles = new Map<string, OrgRole>();
  const grant = (address: string, role: OrgRole) => {
    const held = roles.get(address);
    if (!held || roleRank[role] > roleRank[held]) roles.set(address, role);
  };
  for (const address of record.auditors) grant(address, 'auditor');
  for (const address of record.members) grant(address, 'member');
  for (const address of record.admins) grant(address, 'admin');
  grant(record.owner, 'owner');

  await db.$transaction([
    db.org.upsert({
      where: { id: orgId },
      create: { id: orgId, name: record.name, owner: record.owner, syncedAt: now },
      update: { name: record.name, owner: record.owner, syncedAt: now },
    }),
    db.member.deleteMany({ where: { orgId, address: { notIn: [...roles.keys()] } } }),
    ...[...roles].map(([address, role]) =>
      db.member.upsert({
        where: { orgId_address: { orgId, address } },
        create: { orgId, address, role },
        update: { role },
      }),
    ),
    // An invitation is fulfilled once the chain shows the invited role (or a stronger one).
    ...[...roles].map(([address, role]) =>
      db.invitation.updateMany({
        where: {
          orgId,
          address,
          acceptedAt: null,
          revokedAt: null,
          declinedAt: null,
          role: { in: (Object.keys(roleRank) as OrgRole[]).filter((r) => roleRank[r] <= roleRank[role]) },
        },
        data: { acceptedAt: now },
      }),
    ),
  ]);
  return true;
}
