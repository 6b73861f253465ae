import type { AppDeps } from '../app-deps.js';
import type { Logger } from '../logger.js';
import { ensureFreshOrgMirror, type OrgMirrorState } from '../services/orgs/ensure-fresh-org-mirror.js';

/** Every org-scoped route calls this first, so roles are at most ORG_SYNC_TTL_SECONDS old. */
export function ensureOrgMirror(
  deps: AppDeps,
  context: { orgId: string; now: Date; log: Logger; mirror?: OrgMirrorState | null },
): Promise<'fresh' | 'synced'> {
  return ensureFreshOrgMirror({
    db: deps.db,
    orgDirectory: deps.orgDirectory,
    orgId: context.orgId,
    maxAgeSeconds: deps.config.orgSyncTtlSeconds,
    now: context.now,
    log: context.log,
    ...(context.mirror !== undefined ? { mirror: context.mirror } : {}),
  });
}
