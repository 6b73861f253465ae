import type { ChainClient } from '@privexbot/schema/chain';
import { billingClient } from '@privexbot/schema/contracts';
import { z } from 'zod';
import { type OrgDirectory, OrgDirectoryUnavailableError, type OrgLookup } from './org-directory.js';

// The billing contract's `find_org` answer, checked field by field: a proxy, another contract
// or a half-synced node may answer something else with a 200, and only this exact shape may
// say "no such org".
const orgShape = z.object({
  id: z.number().int().nonnegative(),
  name: z.string(),
  owner: z.string(),
  admins: z.array(z.string()),
  members: z.array(z.string()),
  auditors: z.array(z.string()),
});
const findOrgAnswer = z.object({
  org: orgShape.nullable(),
  org_count: z.number().int().nonnegative(),
});

/** OrgDirectory over any ChainClient adapter (devnet, CosmWasm, Secret). */
export class ChainOrgDirectory implements OrgDirectory {
  constructor(
    private readonly chain: ChainClient,
    private readonly billingContract: string,
  ) {}

  async contract(): Promise<string> {
    return this.billingContract;
  }

  async findOrg(id: string): Promise<OrgLookup> {
    let raw: unknown;
    try {
      raw = await billingClient(this.chain, this.billingContract).query('find_org', { id: Number(id) });
    } catch (error) {
      // Whatever the error says ("not found" included: a missing contract, a proxy's 404 page,
      // a node that does not know the contract yet), it is not the contract saying the org
      // does not exist.
      throw unavailable('billing contract find_org query failed', error);
    }
    const answer = findOrgAnswer.safeParse(raw);
    if (!answer.success) {
      throw unavailable('billing contract find_org answer is not a billing contract’s', answer.error);
    }
    const org = answer.data.org;
    if (org && String(org.id) !== id) {
      throw unavailable(`billing contract answered org ${org.id} for org ${id}`, undefined);
    }
    return {
      contract: this.billingContract,
      org: org
        ? {
            id: String(org.id),
            name: org.name,
            owner: org.owner,
            admins: org.admins,
            members: org.members,
            auditors: org.auditors,
          }
        : null,
    };
  }

  /**
   * Every org of the address, page by page (the contract answers at most 100 at a time and 30
   * by default). Its list is an index where removing an org moves the last one into the gap,
   * so a list that changed size between pages is read again from the start.
   */
  async orgsOf(address: string): Promise<string[]> {
    const billing = billingClient(this.chain, this.billingContract);
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const memberships: Awaited<ReturnType<typeof billing.query<'orgs_of'>>>['orgs'] = [];
        let total: number | undefined;
        let changed = false;
        do {
          const page = await billing.query('orgs_of', {
            address,
            start: memberships.length,
            limit: ORGS_OF_PAGE,
          });
          if (total !== undefined && Number(page.total) !== total) changed = true;
          total = Number(page.total);
          memberships.push(...page.orgs);
          if (page.orgs.length === 0) break;
        } while (!changed && memberships.length < total);
        if (changed) continue;
        // A pending owner has no rights until it accepts.
        return [
          ...new Set(
            memberships
              .filter((membership) => membership.is_owner || membership.roles.length > 0)
              .map((membership) => String(membership.org_id)),
          ),
        ];
      }
      throw new Error('the address’s orgs kept changing while they were read');
    } catch (error) {
      throw unavailable('billing contract orgs_of query failed', error);
    }
  }
}

/** The contract's largest page. */
const ORGS_OF_PAGE = 100;

function unavailable(what: string, error: unknown): OrgDirectoryUnavailableError {
  const reason = error instanceof Error ? `: ${error.message}` : '';
  return new OrgDirectoryUnavailableError(`${what}${reason}`, { cause: error });
}
