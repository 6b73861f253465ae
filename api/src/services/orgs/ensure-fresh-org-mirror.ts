import type { OrgDirectory } from '../../chain/org-directory.js';
import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Logger } from '../../logger.js';
import { assertMirrorsContract } from './org-mirror-contract.js';
import { syncOrgMirror } from './sync-org-mirror.js';

/**
 * Called before any org-scoped request: refreshes the org's mirror from the chain when it is
 * missing or older than `maxAgeSeconds`.
 * - An org the billing contract says does not exist, or one marked gone: NOT_FOUND (404),
 *   with its data kept (services/orgs/sync-org-mirror.ts).
 * - A mirror of another billing contract: ORG_MIRRORS_OTHER_CONTRACT (503), data kept.
 * - The chain cannot answer: a stale mirror is still served unless `serveStale` is false
 *   (roles change rarely; the periodic refresh catches up); an org never seen before, or a
 *   forced refresh, gets CHAIN_UNAVAILABLE (503). Nothing is written either way.
 * Answers `synced` when it rewrote the mirror (roles may have changed), else `fresh`.
 */
export async function ensureFreshOrgMirror(options: {
  db: Database;
  orgDirectory: OrgDirectory;
  orgId: string;
  maxAgeSeconds: number;
  now: Date;
  log: Logger;
  serveStale?: boolean;
  /** The org's mirror row as the caller already read it (null: none), to save reading it again. */
  mirror?: OrgMirrorState | null;
}): Promise<'fresh' | 'synced'> {
  const { db, orgId, now } = options;
  const mirror =
    options.mirror !== undefined
      ? options.mirror
      : await db.org.findUnique({
          where: { id: orgId },
          select: { syncedAt: true, goneAt: true, billingContract: true },
        });
  if (mirror?.goneAt) throw notFound(orgId);
  if (mirror) {
    assertMirrorsContract(orgId, mirror.billingContract, await configuredContract(options.orgDirectory));
    if (now.getTime() - mirror.syncedAt.getTime() < options.maxAgeSeconds * 1000) return 'fresh';
  }
  let outcome: Awaited<ReturnType<typeof syncOrgMirror>>;
  try {
    outcome = await syncOrgMirror({ db, orgDirectory: options.orgDirectory, orgId, now });
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (mirror && options.serveStale !== false) {
      options.log.warn({ err: error, orgId }, 'org refresh failed; serving the previous mirror');
      return 'fresh';
    }
    throw new AppError(
      AppErrorCode.CHAIN_UNAVAILABLE,
      'the chain cannot be reached to read this org; try again',
      {
        cause: error,
      },
    );
  }
  if (outcome !== 'synced') throw notFound(orgId);
  return 'synced';
}

/** What the freshness check reads of an org's mirror row. */
export interface OrgMirrorState {
  syncedAt: Date;
  goneAt: Date | null;
  billingContract: string | null;
}

async function configuredContract(orgDirectory: OrgDirectory): Promise<string> {
  try {
    return await orgDirectory.contract();
  } catch (error) {
    throw new AppError(
      AppErrorCode.CHAIN_UNAVAILABLE,
      'the chain cannot be reached to tell which billing contract this api reads; try again',
      { cause: error },
    );
  }
}

function notFound(orgId: string): AppError {
  return new AppError(AppErrorCode.NOT_FOUND, `org ${orgId} not found`);
}
