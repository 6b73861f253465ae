import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';
import { createTestWallet, type TestWallet } from '../testing/test-wallet.js';

let api: TestApi;
let owner: TestWallet;
let admin: TestWallet;
let member: TestWallet;
let auditor: TestWallet;
let outsider: TestWallet;
const token: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi({ ORG_SYNC_TTL_SECONDS: '60' });
  owner = await createTestWallet();
  admin = await createTestWallet();
  member = await createTestWallet();
  auditor = await createTestWallet();
  outsider = await createTestWallet();
  api.orgDirectory.put({
    id: '7',
    name: 'Acme',
    owner: owner.address,
    admins: [admin.address],
    members: [member.address],
    auditors: [auditor.address, member.address],
  });
  await signInEveryone();
});

/** After the clock jumps past the access-token lifetime. */
async function signInEveryone() {
  for (const [name, wallet] of Object.entries({ owner, admin, member, auditor, outsider })) {
    token[name] = (await api.signIn(wallet)).accessToken;
  }
}
afterAll(() => api?.close());

describe('orgs mirrored from the chain', () => {
  it('lists my orgs with my strongest role', async () => {
    const mine = await api.request('get', '/v1/orgs', { token: token.member });
    expect(mine.status).toBe(200);
    expect(mine.body.orgs).toEqual([expect.objectContaining({ id: '7', name: 'Acme', role: 'member' })]);
    const none = await api.request('get', '/v1/orgs', { token: token.outsider });
    expect(none.body.orgs).toEqual([]);
  });

  it('lists members and roles to every role, and hides the org from outsiders', async () => {
    for (const who of ['owner', 'admin', 'member', 'auditor']) {
      const response = await api.request('get', '/v1/orgs/7/members', { token: token[who] });
      expect(response.status, who).toBe(200);
    }
    const members = await api.request('get', '/v1/orgs/7/members', { token: token.owner });
    expect(members.body.members).toHaveLength(4);
    expect(members.body.members).toContainEqual({ address: admin.address, role: 'admin' });
    const outsider = await api.request('get', '/v1/orgs/7', { token: token.outsider });
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('NOT_FOUND');
    const missing = await api.request('get', '/v1/orgs/999', { token: token.owner });
    expect(missing.status).toBe(404);
  });

  it('follows role changes on chain after the refresh interval, or at once on request', async () => {
    const newcomer = await createTestWallet();
    const newcomerToken = (await api.signIn(newcomer)).accessToken;
    api.orgDirectory.put({
      id: '7',
      name: 'Acme Renamed',
      owner: owner.address,
      admins: [admin.address],
      members: [member.address, newcomer.address],
      auditors: [auditor.address],
    });
    // Listing my orgs asks the chain which orgs I am in, so a new member sees the org at once.
    const mine = await api.request('get', '/v1/orgs', { token: newcomerToken });
    expect(mine.body.orgs).toEqual([
      expect.objectContaining({ id: '7', role: 'member', name: 'Acme Renamed' }),
    ]);

    api.orgDirectory.put({
      id: '7',
      name: 'Acme',
      owner: owner.address,
      admins: [admin.address],
      members: [member.address],
      auditors: [auditor.address],
    });
    expect((await api.request('get', '/v1/orgs/7', { token: newcomerToken })).status).toBe(200); // mirror still fresh
    api.clock.advance(61);
    expect((await api.request('get', '/v1/orgs/7', { token: newcomerToken })).status).toBe(404);
    await signInEveryone();
  });

  it('serves a stale mirror when the chain is unreachable, but never invents an unknown org', async () => {
    api.clock.advance(3600);
    await signInEveryone();
    api.orgDirectory.unavailable = true;
    try {
      const known = await api.request('get', '/v1/orgs/7', { token: token.owner });
      expect(known.status).toBe(200);
      const unknown = await api.request('get', '/v1/orgs/8', { token: token.owner });
      expect(unknown.status).toBe(503);
      expect(unknown.body.error.code).toBe('CHAIN_UNAVAILABLE');
      const mine = await api.request('get', '/v1/orgs', { token: token.owner });
      expect(mine.status).toBe(200);
      expect(mine.body.orgs.map((o: { id: string }) => o.id)).toEqual(['7']);
    } finally {
      api.orgDirectory.unavailable = false;
    }
  });
});

describe('an org the billing contract says does not exist', () => {
  it('is hidden from every route (404) and from the public, and its data is kept', async () => {
    const gone = await createTestWallet();
    const goneToken = (await api.signIn(gone)).accessToken;
    api.orgDirectory.put({
      id: '70',
      name: 'Vanishing',
      owner: gone.address,
      admins: [],
      members: [],
      auditors: [],
    });
    expect((await api.request('get', '/v1/orgs/70', { token: goneToken })).status).toBe(200);
    const db = api.database.prisma;
    const bot = await db.bot.create({
      data: {
        orgId: '70',
        name: 'Public helper',
        model: 'default',
        embedder: 'local-hash-384',
        createdBy: gone.address,
        allowedOrigins: [],
        published: true,
        publishedAt: new Date(),
      },
    });
    expect((await api.request('get', `/v1/bots/${bot.id}/public`)).status).toBe(200);

    api.orgDirectory.remove('70');
    api.clock.advance(61);
    const goneToken2 = (await api.signIn(gone)).accessToken;
    for (const path of ['/v1/orgs/70', '/v1/orgs/70/members', '/v1/orgs/70/bots', '/v1/orgs/70/audit-log']) {
      const response = await api.request('get', path, { token: goneToken2 });
      expect(response.status, path).toBe(404);
      expect(response.body.error.code, path).toBe('NOT_FOUND');
    }
    expect((await api.request('post', '/v1/orgs/70/refresh', { token: goneToken2 })).status).toBe(404);
    expect((await api.request('get', '/v1/orgs', { token: goneToken2 })).body.orgs).toEqual([]);
    expect((await api.request('get', `/v1/bots/${bot.id}/public`)).status).toBe(404);
    // Nothing was deleted: the operator's purge (scripts/db/purge-gone-orgs.ts) does that.
    const row = await db.org.findUniqueOrThrow({
      where: { id: '70' },
      include: { members: true, bots: true },
    });
    expect(row.goneAt).toBeInstanceOf(Date);
    expect(row.members).toHaveLength(1);
    expect(row.bots.map((b) => b.id)).toEqual([bot.id]);
    // An org of the same id appearing again later is another org: it does not inherit this one.
    api.orgDirectory.put({
      id: '70',
      name: 'Newcomer',
      owner: owner.address,
      admins: [],
      members: [],
      auditors: [],
    });
    expect((await api.request('get', '/v1/orgs/70', { token: token.owner })).status).toBe(404);
    await signInEveryone();
  });
});

describe('invitations', () => {
  it('lets owner and admin invite; members and auditors get 403; the invitee sees and can decline it', async () => {
    const invitee = await createTestWallet();
    const inviteeToken = (await api.signIn(invitee)).accessToken;
    for (const who of ['member', 'auditor']) {
      const refused = await api.request('post', '/v1/orgs/7/invitations', {
        token: token[who],
        body: { address: invitee.address },
      });
      expect(refused.status, who).toBe(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');
    }
    const adminInvitesAdmin = await api.request('post', '/v1/orgs/7/invitations', {
      token: token.admin,
      body: { address: invitee.address, role: 'admin' },
    });
    expect(adminInvitesAdmin.status).toBe(403);
    const created = await api.request('post', '/v1/orgs/7/invitations', {
      token: token.admin,
      body: { address: invitee.address, role: 'member' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      orgId: '7',
      address: invitee.address,
      role: 'member',
      status: 'pending',
      invitedBy: admin.address,
    });
    const duplicate = await api.request('post', '/v1/orgs/7/invitations', {
      token: token.owner,
      body: { address: invitee.address },
    });
    expect(duplicate.status).toBe(409);
    const existing = await api.request('post', '/v1/orgs/7/invitations', {
      token: token.owner,
      body: { address: member.address },
    });
    expect(existing.status).toBe(409);

    const mine = await api.request('get', '/v1/invitations', { token: inviteeToken });
    expect(mine.body.invitations).toEqual([
      expect.objectContaining({ id: created.body.id, orgName: 'Acme' }),
    ]);
    const otherDeclines = await api.request('post', `/v1/invitations/${created.body.id}/decline`, {
      token: token.outsider,
    });
    expect(otherDeclines.status).toBe(404);
    const declined = await api.request('post', `/v1/invitations/${created.body.id}/decline`, {
      token: inviteeToken,
    });
    expect(declined.status).toBe(204);
    expect((await api.request('get', '/v1/invitations', { token: inviteeToken })).body.invitations).toEqual(
      [],
    );
  });

  it('completes an invitation when the chain shows the role, and audits who did what', async () => {
    const invitee = await createTestWallet();
    const created = await api.request('post', '/v1/orgs/7/invitations', {
      token: token.owner,
      body: { address: invitee.address, role: 'auditor' },
      headers: { 'x-request-id': 'req-invite-0001' },
    });
    expect(created.status).toBe(201);
    api.orgDirectory.put({
      id: '7',
      name: 'Acme',
      owner: owner.address,
      admins: [admin.address],
      members: [member.address],
      auditors: [auditor.address, invitee.address],
    });
    const refreshed = await api.request('post', '/v1/orgs/7/refresh', { token: token.owner });
    expect(refreshed.status).toBe(200);
    const list = await api.request('get', '/v1/orgs/7/invitations', { token: token.owner });
    expect(list.body.invitations.find((i: { id: string }) => i.id === created.body.id).status).toBe(
      'accepted',
    );

    const audit = await api.request('get', '/v1/orgs/7/audit-log', { token: token.auditor });
    expect(audit.status).toBe(200);
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({
        actor: owner.address,
        action: 'invitation.create',
        targetId: created.body.id,
        requestId: 'req-invite-0001',
      }),
    );
    expect((await api.request('get', '/v1/orgs/7/audit-log', { token: token.member })).status).toBe(403);
  });

  it('revokes a pending invitation once', async () => {
    const invitee = await createTestWallet();
    const created = await api.request('post', '/v1/orgs/7/invitations', {
      token: token.owner,
      body: { address: invitee.address },
    });
    const revoked = await api.request('delete', `/v1/orgs/7/invitations/${created.body.id}`, {
      token: token.admin,
    });
    expect(revoked.status).toBe(204);
    const again = await api.request('delete', `/v1/orgs/7/invitations/${created.body.id}`, {
      token: token.admin,
    });
    expect(again.status).toBe(404);
  });
});

describe('API keys', () => {
  it('creates a key shown once, stores only its hash, and lets it act within its scopes', async () => {
    const created = await api.request('post', '/v1/orgs/7/api-keys', {
      token: token.admin,
      body: { name: 'backend', scopes: ['org:read'] },
    });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^pbk_/);
    expect(key.startsWith(created.body.prefix)).toBe(true);
    const stored = await api.database.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(JSON.stringify(stored)).not.toContain(key);

    const listed = await api.request('get', '/v1/orgs/7/api-keys', { token: token.owner });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(listed.body.apiKeys[0]).toMatchObject({
      id: created.body.id,
      prefix: created.body.prefix,
      scopes: ['org:read'],
    });

    expect((await api.request('get', '/v1/orgs/7', { token: key })).status).toBe(200);
    expect((await api.request('get', '/v1/orgs/7/members', { token: key })).status).toBe(200);
    // Outside its scopes and on session-only routes, the key is refused.
    expect((await api.request('get', '/v1/orgs/7/audit-log', { token: key })).status).toBe(403);
    const adminRoute = await api.request('get', '/v1/orgs/7/api-keys', { token: key });
    expect(adminRoute.status).toBe(401);
    expect((await api.request('get', '/v1/orgs', { token: key })).status).toBe(401);
  });

  it('refuses key management to members and auditors', async () => {
    for (const who of ['member', 'auditor']) {
      const response = await api.request('post', '/v1/orgs/7/api-keys', {
        token: token[who],
        body: { name: 'x', scopes: ['org:read'] },
      });
      expect(response.status, who).toBe(403);
    }
  });

  it('stops a revoked or expired key at once', async () => {
    const created = await api.request('post', '/v1/orgs/7/api-keys', {
      token: token.owner,
      body: { name: 'short-lived', scopes: ['org:read'], expiresInDays: 1 },
    });
    const key: string = created.body.key;
    expect((await api.request('get', '/v1/orgs/7', { token: key })).status).toBe(200);
    api.clock.advance(86_401);
    const expired = await api.request('get', '/v1/orgs/7', { token: key });
    expect(expired.body.error.code).toBe('API_KEY_INVALID');
    await signInEveryone();

    const other = await api.request('post', '/v1/orgs/7/api-keys', {
      token: token.owner,
      body: { name: 'revoke-me', scopes: ['org:read'] },
    });
    const revoked = await api.request('delete', `/v1/orgs/7/api-keys/${other.body.id}`, {
      token: token.owner,
    });
    expect(revoked.status).toBe(204);
    const used = await api.request('get', '/v1/orgs/7', { token: other.body.key });
    expect(used.status).toBe(401);
    expect(used.body.error.code).toBe('API_KEY_INVALID');
    const audit = await api.request('get', '/v1/orgs/7/audit-log', { token: token.owner });
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain('apiKey.revoke');
  });
});
