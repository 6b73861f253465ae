/**
 * Who may do what in an org, as the billing contract and the api decide it, so the dapp shows
 * an action enabled only to those it will not refuse, and tells the others why. The contract's
 * rules (contracts/billing): owner-only for stake, unstake, withdrawals and naming admins;
 * owner or admin for plans, members and auditors. The api's: owner, admin or member for bots,
 * knowledge and conversations.
 */
import type { OrgMembership } from './contracts/contract-messages.js';

export type OrgRole = 'owner' | 'admin' | 'member' | 'auditor';

const ownerOnly = ['owner'] as const;
const ownerOrAdmin = ['owner', 'admin'] as const;
const builders = ['owner', 'admin', 'member'] as const;

export const orgActions = {
  subscribe: { roles: ownerOrAdmin, label: 'choose a plan' },
  cancelSubscription: { roles: ownerOrAdmin, label: 'cancel or resume the plan' },
  deposit: { roles: ['owner', 'admin', 'member', 'auditor'], label: 'top up the balance' },
  withdrawBalance: { roles: ownerOnly, label: 'withdraw the balance' },
  stake: { roles: ownerOnly, label: 'stake or unstake' },
  addAdmin: { roles: ownerOnly, label: 'name or remove admins' },
  manageMembers: { roles: ownerOrAdmin, label: 'add or remove members and auditors' },
  manageBots: { roles: builders, label: 'create, change or delete bots' },
  readInbox: { roles: builders, label: 'read conversations and leads' },
  manageKnowledge: { roles: builders, label: 'add, re-index or delete knowledge' },
} as const satisfies Record<string, { roles: readonly OrgRole[]; label: string }>;
export type OrgAction = keyof typeof orgActions;

export type Permission = { allowed: true } | { allowed: false; reason: string };

/** The strongest role an address holds in an org (an owner may also hold other roles). */
export function roleOf(membership: OrgMembership | undefined): OrgRole | undefined {
  if (!membership) return undefined;
  if (membership.is_owner) return 'owner';
  for (const role of ['admin', 'member', 'auditor'] as const)
    if (membership.roles.includes(role)) return role;
  return undefined;
}

const named: Record<OrgRole, string> = {
  owner: 'the owner',
  admin: 'an admin',
  member: 'a member',
  auditor: 'an auditor',
};

function anyOf(roles: readonly OrgRole[]): string {
  const names = roles.map((role) => named[role]);
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

export function permission(role: OrgRole | undefined, action: OrgAction): Permission {
  const rule = orgActions[action];
  const roles: readonly OrgRole[] = rule.roles;
  if (role && roles.includes(role)) return { allowed: true };
  const yours = role ? `you are ${named[role]}` : 'you hold no role in this org';
  return { allowed: false, reason: `Only ${anyOf(roles)} can ${rule.label}: ${yours}.` };
}
