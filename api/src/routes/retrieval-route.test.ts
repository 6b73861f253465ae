import { afterEach, describe, expect, it } from 'vitest';
import type { OrgLookup } from '../chain/org-directory.js';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../services/bots/test-support/start-platform-test-api.js';
import type { Embedder } from '../services/embeddings/embedder.js';
import { LocalHashEmbedder } from '../services/embeddings/local-hash-embedder.js';
import { createTestWallet, type TestWallet } from '../testing/test-wallet.js';

/** The hash embedder under its own id, recording each question it is asked. */
function recordingEmbedder(): Embedder & { questions: string[] } {
  const hash = new LocalHashEmbedder();
  const questions: string[] = [];
  return {
    id: hash.id,
    questions,
    embed(texts, signal, purpose) {
      if (purpose === 'query') questions.push(...texts);
      signal?.throwIfAborted();
      return hash.embed(texts);
    },
  };
}

async function signIn(api: PlatformTestApi, wallet: TestWallet): Promise<string> {
  const challenge = await api.request('get', `/auth/challenge?address=${wallet.address}`);
  const signature = await wallet.signArbitrary(challenge.body.message);
  const verified = await api.request('post', '/auth/verify', {
    body: { address: wallet.address, pubKey: wallet.pubKey, signature, message: challenge.body.message },
  });
  return verified.body.accessToken;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 10) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the retrieval route', () => {
  let api: PlatformTestApi;
  afterEach(() => api?.close());

  it('embeds the question while the org and access check is still waiting on the chain, and answers once it passes', async () => {
    const embedder = recordingEmbedder();
    api = await startPlatformTestApi({
      env: { ORG_SYNC_TTL_SECONDS: '60' },
      overrides: { embedders: [embedder] },
    });
    const org = await api.createOrg('1');
    const botId = await api.createBot(org);
    const route = `/v1/orgs/1/bots/${botId}/retrieval`;
    expect(
      (await api.request('post', route, { token: org.token, body: { query: 'first question' } })).status,
    ).toBe(200);

    // The mirror goes stale: the next request must ask the chain, which answers only when let.
    api.clock.advance(61);
    let answerChain: () => void = () => {};
    const chainAnswered = new Promise<void>((resolve) => {
      answerChain = resolve;
    });
    const findOrg = api.orgDirectory.findOrg.bind(api.orgDirectory);
    let chainAsked = false;
    api.orgDirectory.findOrg = async (id: string): Promise<OrgLookup> => {
      chainAsked = true;
      await chainAnswered;
      return findOrg(id);
    };
    let done = false;
    const pending = api
      .request('post', route, { token: org.token, body: { query: 'second question' } })
      .finally(() => {
        done = true;
      });
    await until(() => chainAsked, 'the org refresh');
    await until(() => embedder.questions.includes('second question'), 'the question to be embedded');
    expect(done).toBe(false);
    answerChain();
    const answered = await pending;
    expect(answered.status).toBe(200);
    expect(answered.body.embedder).toBe(embedder.id);
  });

  it('refuses as every org route does: a scope short of bots:read, another org, a role revoked on chain', async () => {
    api = await startPlatformTestApi({ env: { ORG_SYNC_TTL_SECONDS: '60' } });
    const org = await api.createOrg('1');
    const other = await api.createOrg('2');
    const botId = await api.createBot(org);
    const route = `/v1/orgs/1/bots/${botId}/retrieval`;
    const body = { query: 'refund policy' };
    const key = async (owner: { orgId: string; token: string }, scopes: string[]) =>
      (
        await api.request('post', `/v1/orgs/${owner.orgId}/api-keys`, {
          token: owner.token,
          body: { name: scopes.join(' '), scopes },
        })
      ).body.key as string;

    // Sees the org but may not read its bots: 403. Cannot see the org: 404, like a missing bot.
    const orgReader = await key(org, ['org:read']);
    const writer = await key(org, ['knowledge:write']);
    const reader = await key(org, ['bots:read']);
    const outsider = await key(other, ['bots:read', 'org:read']);
    expect((await api.request('post', route, { token: orgReader, body })).body.error.code).toBe('FORBIDDEN');
    expect((await api.request('post', route, { token: writer, body })).status).toBe(404);
    expect((await api.request('post', route, { token: outsider, body })).status).toBe(404);
    expect(
      (await api.request('post', `/v1/orgs/2/bots/${botId}/retrieval`, { token: outsider, body })).status,
    ).toBe(404);
    expect((await api.request('post', route, { token: reader, body })).status).toBe(200);
    expect((await api.request('post', route, { token: other.token, body })).status).toBe(404);

    // A member, then removed on chain: once the mirror is stale the route reads the new roles.
    const member = await createTestWallet();
    const lookup = await api.orgDirectory.findOrg('1');
    const record = lookup.org as NonNullable<typeof lookup.org>;
    api.orgDirectory.put({ ...record, members: [member.address] });
    api.clock.advance(61);
    const memberToken = await signIn(api, member);
    expect((await api.request('post', route, { token: memberToken, body })).status).toBe(200);
    api.orgDirectory.put({ ...record, members: [] });
    expect((await api.request('post', route, { token: memberToken, body })).status).toBe(200);
    api.clock.advance(61);
    const revoked = await api.request('post', route, { token: memberToken, body });
    expect(revoked.status).toBe(404);
    expect(revoked.body.error.code).toBe('NOT_FOUND');

    // A gone org answers 404 whoever asks, its owner included, once the mirror learns it.
    api.orgDirectory.remove('1');
    api.clock.advance(61);
    expect((await api.request('post', route, { token: org.token, body })).status).toBe(404);
  });
});
