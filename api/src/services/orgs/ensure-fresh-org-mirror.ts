import type { OrgDirectory } from '../../chain/org-directory.js';
import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Logger } from '../../logger.js';
import { syncOrgMirror } from './sync-org-mirror.js';

/**
 * Called before any org-scoped request: refreshes the org's mirror from the chain when it is
 * missing or older than `maxAgeSeconds`. When the chain cannot be reached, a stale mirror is
 * still served (roles change rarely; the periodic refresh catches up), but an org never seen
 * before cannot be: CHAIN_UNAVAILABLE.
 */
export async function ensureFreshOrgMirror(options: {
  db: Database;
  orgDirectory: OrgDirectory;
  orgId: string;
  maxAgeSeconds: number;
  now: Date;
  log: Logger;
}): Promise<void> {
  const { db, orgId, now } = options;
  const mirror = await db.org.findUnique({ where: { id: orgId }, select: { syncedAt: true } });
  if (mirror && now.getTime() - mirror.syncedAt.getTime() < options.maxAgeSeconds * 1000) return;
  try {
    await syncOrgMirror({ db, orgDirectory: options.orgDirectory, orgId, now });
  } catch (error) {
    if (mirror) {
      options.log.warn({ err: error, orgId }, 'org refresh failed; serving the previous mirror');
      return;
    }
    throw new AppError(
      AppErrorCode.CHAIN_UNAVAILABLE,
      'the chain cannot be reached to read this org; try again',
      {
        cause: error,
      },
    );
  }
}
