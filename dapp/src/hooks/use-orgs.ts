import type { OrgMembership, OrgResponse } from '../core/contracts/billing-types.js';
import { useAccount } from './use-account.js';
import { type UseContractQueryReturnType, useContractQuery } from './use-contract-query.js';

/** The orgs in which the connected address holds any role, read from the billing contract. */
export function useOrgs(): UseContractQueryReturnType<{ orgs: OrgMembership[] }> {
  const account = useAccount();
  const address = account.status === 'connected' ? account.address : undefined;
  return useContractQuery<{ orgs: OrgMembership[] }>({
    contract: 'billing',
    msg: address ? { orgs_of: { address } } : undefined,
  });
}

export function useOrg(orgId: string | undefined): UseContractQueryReturnType<OrgResponse> {
  return useContractQuery<OrgResponse>({
    contract: 'billing',
    msg: orgId ? { org: { id: Number(orgId) } } : undefined,
  });
}
