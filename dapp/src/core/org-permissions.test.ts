import { describe, expect, it } from 'vitest';
import { permission, roleOf } from './org-permissions.js';

describe('org permissions', () => {
  it('follow the billing contract: owner-only staking, owner or admin for plans', () => {
    expect(permission('owner', 'stake')).toEqual({ allowed: true });
    expect(permission('admin', 'stake')).toEqual({
      allowed: false,
      reason: 'Only the owner can stake or unstake: you are an admin.',
    });
    expect(permission('admin', 'subscribe')).toEqual({ allowed: true });
    expect(permission('member', 'subscribe')).toEqual({
      allowed: false,
      reason: 'Only the owner or an admin can choose a plan: you are a member.',
    });
    expect(permission('member', 'manageBots')).toEqual({ allowed: true });
    expect(permission('auditor', 'manageBots')).toMatchObject({ allowed: false });
    expect(permission(undefined, 'deposit')).toMatchObject({
      reason: expect.stringContaining('you hold no role in this org'),
    });
  });

  it('takes the strongest role an address holds', () => {
    const membership = { org_id: 1, name: 'Acme', is_pending_owner: false };
    expect(roleOf({ ...membership, is_owner: true, roles: ['auditor'] })).toBe('owner');
    expect(roleOf({ ...membership, is_owner: false, roles: ['auditor', 'admin'] })).toBe('admin');
    expect(roleOf(undefined)).toBeUndefined();
  });
});
