import {
  type OrgAction,
  type OrgRole,
  type Permission,
  permission,
  roleOf,
} from '../core/org-permissions.js';
import { useOrgs } from './use-orgs.js';

export interface UseOrgRoleReturnType {
  role: OrgRole | undefined;
  /** `can('stake')`: allowed, or refused with the reason to show beside the disabled control */
  can: (action: OrgAction) => Permission;
  isLoading: boolean;
}

/** The connected account's role in an org, from the billing contract's `orgs_of`. */
export function useOrgRole(orgId: string | undefined): UseOrgRoleReturnType {
  const orgs = useOrgs();
  const membership = orgs.data?.orgs.find((org) => String(org.org_id) === orgId);
  const role = roleOf(membership);
  return { role, can: (action) => permission(role, action), isLoading: orgs.isLoading };
}
