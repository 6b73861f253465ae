import type { OrgDirectory } from '../../chain/org-directory.js';
import type { Database } from '../../db/prisma.js';
import type { OrgRole } from '../../generated/prisma/enums.js';
import { roleRank } from '../access/org-access.js';
import { assertMirrorsContract } from './org-mirror-contract.js';

/**
 * What a sync found: `synced` (the mirror now matches the chain), `gone` (the billing
 * contract answered that it has no such org: the mirror, if any, is marked gone and kept),
 * or `absent` (no such org and no mirror).
 */
export type OrgSyncOutcome = 'synced' | 'gone' | 'absent';

/**
 * Copies one org and its roles from the chain into Org/Member, replacing what was there.
 * Never deletes an org: only the billing contract's typed "no such org" marks it gone, and
 * any chain failure (OrgDirectoryUnavailableError) leaves the mirror untouched. A mirror of
 * another billing contract is never taken over (OrgMirrorsOtherContractError). A gone org
 * stays gone even if the contract later shows an org of that id: that would be a different
 * org (a reset chain), which must not inherit this one's data. The chain call happens before
 * the transaction: the embedded database runs one transaction at a time, so no transaction
 * may wait on the network.
 */
export async function syncOrgMirror(options: {
  db: Database;
  orgDirectory: OrgDirectory;
  orgId: string;
  now: Date;
}): Promise<OrgSyncOutcome> {
  const { db, orgId, now } = options;
  const { contract, org: record } = await options.orgDirectory.findOrg(orgId);
  const mirror = await db.org.findUnique({
    where: { id: orgId },
    select: { billingContract: true, goneAt: true },
  });
  if (mirror) assertMirrorsContract(orgId, mirror.billingContract, contract);
  if (mirror?.goneAt) return 'gone';
  if (!record) {
    if (!mirror) return 'absent';
    await db.org.update({ where: { id: orgId }, data: { goneAt: now, billingContract: contract } });
    return 'gone';
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
      create: { id: orgId, name: record.name, owner: record.owner, syncedAt: now, billingContract: contract },
      update: { name: record.name, owner: record.owner, syncedAt: now, billingContract: contract },
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
  return 'synced';
}
