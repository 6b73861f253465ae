import type { OrgDirectory } from '../../chain/org-directory.js';
import type { Database } from '../../db/prisma.js';
import type { Logger } from '../../logger.js';
import { syncOrgMirror } from './sync-org-mirror.js';

/**
 * The periodic refresh: re-reads the least recently synced orgs from the chain. A failure
 * leaves the org as it was (sync-org-mirror.ts never deletes); gone orgs are not re-read.
 */
export async function refreshStaleOrgs(options: {
  db: Database;
  orgDirectory: OrgDirectory;
  olderThanSeconds: number;
  limit: number;
  now: Date;
  log: Logger;
}): Promise<{ refreshed: number; failed: number }> {
  const { db, now } = options;
  const stale = await db.org.findMany({
    where: { goneAt: null, syncedAt: { lt: new Date(now.getTime() - options.olderThanSeconds * 1000) } },
    orderBy: { syncedAt: 'asc' },
    take: options.limit,
    select: { id: true },
  });
  let failed = 0;
  for (const { id } of stale) {
    try {
      await syncOrgMirror({ db, orgDirectory: options.orgDirectory, orgId: id, now });
    } catch (error) {
      failed++;
      options.log.warn({ err: error, orgId: id }, 'org refresh failed');
    }
  }
  return { refreshed: stale.length - failed, failed };
}
