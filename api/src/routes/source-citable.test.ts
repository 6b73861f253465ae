/**
 * PATCH …/sources/:sourceId { citable }: the toggle takes effect for retrieval and citations
 * at the very next chat turn, for the source and every one of its chunks, and only for roles
 * that may write knowledge.
 */

import { nativeFetch } from '@privexbot/schema/fetch';
import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';
import { createTestWallet, type TestWallet } from '../testing/test-wallet.js';

const ORG = '61';
let standin: LlmStandin;
let api: PlatformTestApi;
let tokens: { owner: string; member: string; auditor: string };
let botId: string;
let sourceId: string;

async function signIn(wallet: TestWallet): Promise<string> {
  const challenge = await api.request('get', `/auth/challenge?address=${wallet.address}`);
  const signature = await wallet.signArbitrary(challenge.body.message);
  const verified = await api.request('post', '/auth/verify', {
    body: { address: wallet.address, pubKey: wallet.pubKey, signature, message: challenge.body.message },
  });
  expect(verified.status).toBe(201);
  return verified.body.accessToken;
}

const sourcePath = () => `/v1/orgs/${ORG}/bots/${botId}/sources/${sourceId}`;

async function citedTitles(): Promise<string[]> {
  const response = await nativeFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_PUBLIC_URL },
    body: JSON.stringify({ message: 'When does the lighthouse open?' }),
  });
  const stream = await response.text();
  expect(stream).toContain('event: done');
  const citations = JSON.parse(stream.match(/^event: citations\ndata: (.*)$/m)?.[1] ?? '{"citations":[]}');
  return citations.citations.map((c: { title: string }) => c.title);
}

async function retrievedCitable(): Promise<boolean[]> {
  const response = await api.request('post', `/v1/orgs/${ORG}/bots/${botId}/retrieval`, {
    token: tokens.owner,
    body: { query: 'When does the lighthouse open?' },
  });
  expect(response.status).toBe(200);
  return response.body.passages.map((p: { citable: boolean }) => p.citable);
}

beforeAll(async () => {
  standin = await startLlmStandin({ port: 0, ttftMs: 1, tokenDelayMs: 0, answerTokens: 4 });
  api = await startPlatformTestApi({ env: { LLM_BASE_URL: standin.url } });
  const [owner, member, auditor] = await Promise.all([
    createTestWallet(),
    createTestWallet(),
    createTestWallet(),
  ]);
  api.orgDirectory.put({
    id: ORG,
    name: 'Lighthouse',
    owner: owner.address,
    admins: [],
    members: [member.address],
    auditors: [auditor.address],
  });
  tokens = { owner: await signIn(owner), member: await signIn(member), auditor: await signIn(auditor) };
  botId = await api.createBot({ orgId: ORG, token: tokens.owner });
  // Long enough for several chunks, so that "every chunk" is checked, not just one.
  const text = Array.from(
    { length: 12 },
    (_, i) =>
      `## Section ${i}\n\nThe lighthouse opens at nine in the morning and closes at dusk; tour ${i} climbs the ${i + 100} steps of the tower with a guide who explains the lamp and its lenses.`,
  ).join('\n\n');
  const created = await api.request('post', `/v1/orgs/${ORG}/bots/${botId}/sources`, {
    token: tokens.owner,
    body: { type: 'text', name: 'visitor guide', text },
  });
  expect(created.status).toBe(201);
  sourceId = created.body.source.id;
  await api.platform.ingestion.idle();
  await api.request('post', `/v1/orgs/${ORG}/bots/${botId}/publish`, { token: tokens.owner });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await standin?.close();
});

describe('PATCH /v1/orgs/:orgId/bots/:botId/sources/:sourceId', () => {
  it('turns a source learn-only and back, taking effect for retrieval and citations at once', async () => {
    expect(await citedTitles()).toEqual(['visitor guide']);
    expect(await retrievedCitable()).not.toContain(false);

    const learnOnly = await api.request('patch', sourcePath(), {
      token: tokens.owner,
      body: { citable: false },
    });
    expect(learnOnly.status).toBe(200);
    expect(learnOnly.body).toMatchObject({ id: sourceId, citable: false, status: 'ready' });
    const chunks = await api.db.chunk.findMany({ where: { sourceId }, select: { citable: true } });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.citable === false)).toBe(true);
    expect(await retrievedCitable()).not.toContain(true);
    expect(await citedTitles()).toEqual([]);

    // A member may write knowledge too (the same rule as adding or removing a source).
    const citable = await api.request('patch', sourcePath(), {
      token: tokens.member,
      body: { citable: true },
    });
    expect(citable.status).toBe(200);
    expect(citable.body.citable).toBe(true);
    expect(await citedTitles()).toEqual(['visitor guide']);

    const audit = await api.db.auditLog.findMany({
      where: { orgId: ORG, targetId: sourceId },
      orderBy: { createdAt: 'asc' },
      select: { action: true },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'source.create',
      'source.mark_learn_only',
      'source.mark_citable',
    ]);
  });

  it('setting the value it already has changes nothing and writes no audit entry', async () => {
    const before = await api.db.auditLog.count({ where: { targetId: sourceId } });
    const same = await api.request('patch', sourcePath(), { token: tokens.owner, body: { citable: true } });
    expect(same.status).toBe(200);
    expect(same.body.citable).toBe(true);
    expect(await api.db.auditLog.count({ where: { targetId: sourceId } })).toBe(before);
  });

  it('refuses an auditor (403), a bad body (400) and an unknown source (404) without writing', async () => {
    const forbidden = await api.request('patch', sourcePath(), {
      token: tokens.auditor,
      body: { citable: false },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    for (const body of [{ citable: 'no' }, {}, { citable: false, name: 'renamed' }, null]) {
      const bad = await api.request('patch', sourcePath(), { token: tokens.owner, body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    const missing = await api.request(
      'patch',
      `/v1/orgs/${ORG}/bots/${botId}/sources/00000000-0000-4000-8000-000000000000`,
      { token: tokens.owner, body: { citable: false } },
    );
    expect(missing.status).toBe(404);
    const chunks = await api.db.chunk.findMany({ where: { sourceId }, select: { citable: true } });
    expect(chunks.every((c) => c.citable)).toBe(true);
    expect((await api.db.source.findUniqueOrThrow({ where: { id: sourceId } })).citable).toBe(true);
  });
});
