import type { ChainClient } from '@privexbot/schema/chain';
import { ChainError } from '@privexbot/schema/chain/errors';
import { type OrgDirectory, OrgDirectoryUnavailableError, type OrgRecord } from './org-directory.js';

/** Shapes of the billing contract's `org` and `orgs_of` answers (contracts/billing/src/msg.rs). */
interface BillingOrgResponse {
  id: number;
  name: string;
  owner: string;
  admins: string[];
  members: string[];
  auditors: string[];
  pending_owner: string | null;
}
interface BillingOrgsOfResponse {
  orgs: { org_id: number; name: string; is_owner: boolean; is_pending_owner: boolean; roles: string[] }[];
}

/** OrgDirectory over any ChainClient adapter (devnet, CosmWasm, Secret). */
export class ChainOrgDirectory implements OrgDirectory {
  constructor(
    private readonly chain: ChainClient,
    private readonly billingContract: string,
  ) {}

  async getOrg(id: string): Promise<OrgRecord | null> {
    try {
      const org = await this.chain.query<BillingOrgResponse>(this.billingContract, {
        org: { id: Number(id) },
      });
      return {
        id: String(org.id),
        name: org.name,
        owner: org.owner,
        admins: org.admins,
        members: org.members,
        auditors: org.auditors,
      };
    } catch (error) {
      if (isMissingOrg(error)) return null;
      throw unavailable(error);
    }
  }

  async orgsOf(address: string): Promise<string[]> {
    try {
      const answer = await this.chain.query<BillingOrgsOfResponse>(this.billingContract, {
        orgs_of: { address },
      });
      // A pending owner has no rights until it accepts.
      return answer.orgs
        .filter((membership) => membership.is_owner || membership.roles.length > 0)
        .map((membership) => String(membership.org_id));
    } catch (error) {
      throw unavailable(error);
    }
  }
}

function isMissingOrg(error: unknown): boolean {
  if (!(error instanceof ChainError)) return false;
  return error.code === 'NOT_FOUND' || (error.code === 'CONTRACT_ERROR' && /not found/i.test(error.message));
}

function unavailable(error: unknown): Error {
  return new OrgDirectoryUnavailableError(`billing contract query failed: ${(error as Error).message}`, {
    cause: error,
  });
}
