import { useEffect } from 'react';
import { useOrgs } from '../hooks/use-orgs.js';
import { useSelectedOrg } from '../hooks/use-selected-org.js';

/** Picks the org every page works on; falls back to the first org the account belongs to. */
export function OrgSwitcher() {
  const orgs = useOrgs();
  const [orgId, select] = useSelectedOrg();
  const list = orgs.data?.orgs ?? [];
  useEffect(() => {
    if (!orgs.data) return;
    const known = orgs.data.orgs.some((org) => String(org.org_id) === orgId);
    if (!known) select(orgs.data.orgs[0] ? String(orgs.data.orgs[0].org_id) : undefined);
  }, [orgs.data, orgId, select]);
  if (orgs.isError || list.length === 0) return null;
  return (
    <span>
      <label htmlFor="org-switcher" className="visually-hidden">
        Organization
      </label>
      <select
        id="org-switcher"
        data-testid="org-switcher"
        value={orgId ?? ''}
        onChange={(event) => select(event.target.value)}
      >
        {list.map((org) => (
          <option key={org.org_id} value={String(org.org_id)}>
            {org.name} (#{org.org_id})
          </option>
        ))}
      </select>
    </span>
  );
}
