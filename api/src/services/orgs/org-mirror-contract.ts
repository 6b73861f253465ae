import { AppError, AppErrorCode } from '../../http/app-error.js';

/**
 * Refuses a mirror row that another billing contract filled: org ids are numbered per
 * contract, so org #k of the configured contract is not the org whose data this row holds.
 * A row from before contracts were recorded (null) is claimed by the first contract that
 * syncs it.
 */
export function assertMirrorsContract(orgId: string, mirrored: string | null, configured: string): void {
  if (mirrored === null || mirrored === configured) return;
  throw new AppError(
    AppErrorCode.ORG_MIRRORS_OTHER_CONTRACT,
    `org ${orgId} here mirrors another billing contract than the one this api is configured for; its data is kept but not served`,
    { details: { orgId, mirrored, configured } },
  );
}
