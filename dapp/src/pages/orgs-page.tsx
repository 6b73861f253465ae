import { useState } from 'react';
import { ChainReaderAccess } from '../components/chain-reader-access.js';
import { GuardedButton } from '../components/guarded-action.js';
import { NeedsWallet } from '../components/needs-wallet.js';
import { OnboardingChecklist } from '../components/onboarding-checklist.js';
import { ErrorNotice, Loading, QueryState } from '../components/query-state.js';
import { TxLink } from '../components/tx-link.js';
import type { Role } from '../core/contracts/contract-messages.js';
import { useAccount } from '../hooks/use-account.js';
import { useOrgRole } from '../hooks/use-org-role.js';
import { useOrg, useOrgs } from '../hooks/use-orgs.js';
import { useSelectedOrg } from '../hooks/use-selected-org.js';
import { useWriteContract } from '../hooks/use-write-contract.js';

export default function OrgsPage() {
  const account = useAccount();
  return (
    <section aria-labelledby="orgs-title">
      <h1 id="orgs-title">Organizations</h1>
      {account.status === 'connected' ? (
        <>
          <SelectedOrgChecklist />
          <CreateOrgForm />
          <OrgList />
          <OrgMembers />
        </>
      ) : (
        <NeedsWallet toDo="manage organizations" />
      )}
    </section>
  );
}

function SelectedOrgChecklist() {
  const [orgId] = useSelectedOrg();
  const org = useOrg(orgId);
  return org.data ? <OnboardingChecklist org={org.data} /> : null;
}

function CreateOrgForm() {
  const execute = useWriteContract();
  const [, select] = useSelectedOrg();
  const [name, setName] = useState('');
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        execute.mutate(
          { contract: 'billing', name: 'create_org', args: { name: name.trim() } },
          {
            onSuccess: (tx) => {
              const orgId = tx.events.flatMap((e) => e.attributes).find((a) => a.key === 'org_id')?.value;
              if (orgId) select(orgId);
              setName('');
            },
          },
        );
      }}
    >
      <h2>Create an organization</h2>
      <p>The organization lives on chain; you become its owner.</p>
      <div className="row">
        <div>
          <label htmlFor="org-name">Name</label>
          <input
            id="org-name"
            data-testid="org-name"
            required
            maxLength={64}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" data-testid="create-org" disabled={execute.isPending || !name.trim()}>
          {execute.isPending ? 'Creating…' : 'Create on chain'}
        </button>
      </div>
      {execute.data ? (
        <p role="status">
          Created in transaction <TxLink txHash={execute.data.txHash} />.
        </p>
      ) : null}
      {execute.error ? <ErrorNotice error={execute.error} /> : null}
    </form>
  );
}

function OrgList() {
  const orgs = useOrgs();
  const [orgId, select] = useSelectedOrg();
  return (
    <div className="card">
      <h2>Your organizations</h2>
      <QueryState
        query={orgs}
        loading="Loading organizations…"
        isEmpty={(data) => data.orgs.length === 0}
        empty="You belong to no organization yet: create one above."
      >
        {(data) => (
          <ul data-testid="org-list">
            {data.orgs.map((org) => (
              <li key={org.org_id}>
                <button
                  type="button"
                  className="secondary"
                  aria-pressed={String(org.org_id) === orgId}
                  onClick={() => select(String(org.org_id))}
                >
                  {org.name} (#{org.org_id})
                </button>{' '}
                {org.is_owner ? 'owner' : org.roles.join(', ')}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}

const roles: Role[] = ['admin', 'member', 'auditor'];

function OrgMembers() {
  const [orgId] = useSelectedOrg();
  const org = useOrg(orgId);
  const execute = useWriteContract();
  const [address, setAddress] = useState('');
  const [role, setRole] = useState<Role>('member');
  const { can } = useOrgRole(orgId);
  // Naming or removing an admin is the owner's; members and auditors are the owner's or an admin's.
  const mayManage = (r: Role) => can(r === 'admin' ? 'addAdmin' : 'manageMembers');
  if (!orgId) return null;
  return (
    <div className="card">
      <h2>Members and roles</h2>
      <QueryState query={org} loading="Loading members…">
        {(data) => (
          <>
            <ChainReaderAccess org={data} />
            <div className="table-scroll">
              <table data-testid="member-table">
                <caption className="visually-hidden">Members of {data.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Address</th>
                    <th scope="col">Role</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <td>
                      <code>{data.owner}</code>
                    </td>
                    <td>owner</td>
                    <td />
                  </tr>
                  {roles.flatMap((r) =>
                    (r === 'admin' ? data.admins : r === 'member' ? data.members : data.auditors).map(
                      (member) => (
                        <tr key={`${r}-${member}`}>
                          <td>
                            <code>{member}</code>
                          </td>
                          <td>{r}</td>
                          <td>
                            <GuardedButton
                              permission={mayManage(r)}
                              className="secondary"
                              aria-label={`Remove ${r} ${member}`}
                              disabled={execute.isPending}
                              onClick={() =>
                                execute.mutate({
                                  contract: 'billing',
                                  name: 'remove_org_role',
                                  args: { org_id: data.id, role: r, address: member },
                                })
                              }
                            >
                              Remove
                            </GuardedButton>
                          </td>
                        </tr>
                      ),
                    ),
                  )}
                </tbody>
              </table>
            </div>
            <form
              className="row"
              style={{ marginTop: 12 }}
              onSubmit={(event) => {
                event.preventDefault();
                execute.mutate(
                  {
                    contract: 'billing',
                    name: 'add_org_role',
                    args: { org_id: data.id, role, address: address.trim() },
                  },
                  { onSuccess: () => setAddress('') },
                );
              }}
            >
              <div>
                <label htmlFor="member-address">Address</label>
                <input
                  id="member-address"
                  data-testid="member-address"
                  required
                  pattern="secret1[0-9a-z]{38}"
                  title="a secret1… address"
                  placeholder="secret1…"
                  value={address}
                  onChange={(e) => setAddress(e.target.value)}
                />
              </div>
              <div>
                <label htmlFor="member-role">Role</label>
                <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </div>
              <GuardedButton
                type="submit"
                permission={mayManage(role)}
                data-testid="add-member"
                disabled={execute.isPending}
              >
                Add
              </GuardedButton>
            </form>
            {execute.isPending ? <Loading label="Waiting for the transaction…" /> : null}
            {execute.error ? <ErrorNotice error={execute.error} /> : null}
          </>
        )}
      </QueryState>
    </div>
  );
}
