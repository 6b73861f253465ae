import { useAccount } from './use-account.js';
import { type UseReadContractReturnType, useReadContract } from './use-read-contract.js';

/** The orgs in which the connected address holds any role, read from the billing contract. */
export function useOrgs(): UseReadContractReturnType<'billing', 'orgs_of'> {
  const account = useAccount();
  const address = account.status === 'connected' ? account.address : undefined;
  return useReadContract({ contract: 'billing', name: 'orgs_of', args: address ? { address } : undefined });
}

export function useOrg(orgId: string | undefined): UseReadContractReturnType<'billing', 'org'> {
  return useReadContract({
    contract: 'billing',
    name: 'org',
    args: orgId ? { id: Number(orgId) } : undefined,
  });
}
