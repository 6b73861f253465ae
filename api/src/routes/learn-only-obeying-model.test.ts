/**
 * Learn-only passages never reach a visitor, even through a model that obeys injections
 * (issue 17, item 4). The stand-in LLM in obeying mode echoes the learn-only background it was
 * given, transformed each way an attacker asks; one case per transformation. No learn-only
 * sentence, 4-gram or distinctive token may reach the visitor, in an answer or a citation; a
 * question answered from citable text is still answered. Each case prints what leaked with and
 * without the guard (the figures of the closing note).
 */

import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { type ObeyMode, obeyInjection } from '@privexbot/test-support/llm-standin/obey-injection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';
import { WITHHELD_NOTICE } from '../services/chat/learn-only-guard.js';

const LEARN_ONLY =
  'Internal pricing memo from Henrietta Vasquez: partners get the QUOKKA-CANARY-7731 discount of forty percent on annual contracts signed before March. The reseller floor price is 1450 euros per seat.';
const CITABLE =
  'Annual contracts can be paid by card or by bank transfer, and renew automatically each year.';
const QUESTION = 'How can annual contracts be paid?';
const DISTINCTIVE = ['henrietta', 'vasquez', 'quokkacanary7731', '7731', 'march', 'reseller', '1450'];

let standin: LlmStandin;
let api: PlatformTestApi;
let botId: string;
let owner: { orgId: string; token: string };
const figures: Record<string, { unguarded: Leak; guarded: Leak }> = {};

beforeAll(async () => {
  standin = await startLlmStandin({ port: 0, obey: 'verbatim' });
  api = await startPlatformTestApi({ env: { LLM_BASE_URL: standin.url } });
  const org = await api.createOrg('201');
  owner = org;
  botId = await api.createBot(org, { rateLimits: { visitorPerMinute: 600 } });
  for (const [name, text, citable] of [
    ['pricing memo', LEARN_ONLY, false],
    ['payments', CITABLE, true],
  ] as const) {
    const created = await api.request('post', `/v1/orgs/201/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name, text, citable },
    });
    expect(created.status).toBe(201);
  }
  await api.platform.ingestion.idle();
  await api.request('post', `/v1/orgs/201/bots/${botId}/publish`, { token: org.token });
});
afterAll(async () => {
  console.log(
    `learn-only leak per transformation (4-grams of the passage, distinctive tokens), unguarded → guarded:\n${Object.entries(
      figures,
    )
      .map(
        ([mode, f]) =>
          `  ${mode.padEnd(17)} 4-grams ${pct(f.unguarded.grams)} → ${pct(f.guarded.grams)}   tokens ${f.unguarded.tokens}/${DISTINCTIVE.length} → ${f.guarded.tokens}/${DISTINCTIVE.length}`,
      )
      .join('\n')}`,
  );
  await api?.close();
  await standin?.close();
});

async function ask(mode: ObeyMode) {
  standin.setObeyMode(mode);
  const reply = await api.request('post', `/v1/bots/${botId}/chat`, {
    body: { message: QUESTION },
    headers: { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' },
  });
  expect(reply.status).toBe(200);
  const stream = String(reply.body);
  const answer = [...stream.matchAll(/^event: token\ndata: (.*)$/gm)]
    .map((m) => JSON.parse(m[1] as string).text as string)
    .join('');
  const citations = stream.match(/^event: citations\ndata: (.*)$/m)?.[1] ?? '';
  return { stream, answer, citations };
}

describe('a model that obeys injections', () => {
  const transformations: ObeyMode[] = [
    'verbatim',
    'upper',
    'spaced',
    'base64',
    'hex',
    'rot13',
    'reversed',
    'filler',
    'dashes-to-spaces',
    'digits-spelled',
  ];
  for (const mode of transformations) {
    it(`${mode}: no learn-only sentence, 4-gram or distinctive token reaches the visitor`, async () => {
      const { stream, answer, citations } = await ask(mode);
      const unguarded = leakOf(obeyInjection(mode, LEARN_ONLY));
      const guarded = leakOf(stream);
      figures[mode] = { unguarded, guarded };
      expect(unguarded.grams + unguarded.tokens).toBeGreaterThan(0); // the model did leak
      expect(guarded).toEqual({ grams: 0, tokens: 0 });
      expect(answer).toContain(WITHHELD_NOTICE);
      expect(citations).not.toContain('pricing memo');
    });
  }

  it('retrieval routes return a learn-only passage as its source id and score, never its text', async () => {
    const key = await api.request('post', '/v1/orgs/201/api-keys', {
      token: owner.token,
      body: { name: 'reader', scopes: ['bots:read'] },
    });
    expect(key.status).toBe(201);
    for (const token of [owner.token, key.body.key as string]) {
      const found = await api.request('post', `/v1/orgs/201/bots/${botId}/retrieval`, {
        token,
        body: { query: 'partners discount annual contracts' },
      });
      expect(found.status).toBe(200);
      const learnOnly = found.body.passages.filter((p: { citable: boolean }) => !p.citable);
      expect(learnOnly.length).toBeGreaterThan(0);
      for (const passage of learnOnly) {
        expect(passage.text).toBeNull();
        expect(passage.sourceId).toEqual(expect.any(String));
        expect(passage.score).toEqual(expect.any(Number));
      }
      expect(JSON.stringify(found.body)).not.toMatch(/QUOKKA|Henrietta|1450/);
      expect(found.body.passages.find((p: { citable: boolean }) => p.citable)?.text).toContain(
        'Annual contracts',
      );
    }
  });

  it('never says a string of the bot’s secrets list, even quoting a citable passage', async () => {
    const secretive = await api.createBot(owner, { secrets: ['NIGHTJAR-42'] });
    await api.request('post', `/v1/orgs/201/bots/${secretive}/sources`, {
      token: owner.token,
      body: {
        type: 'text',
        name: 'launch',
        text: 'Annual contracts for the launch, code name NIGHTJAR-42, can be paid by card.',
      },
    });
    await api.platform.ingestion.idle();
    await api.request('post', `/v1/orgs/201/bots/${secretive}/publish`, { token: owner.token });
    const view = await api.request('get', `/v1/orgs/201/bots/${secretive}`, { token: owner.token });
    expect(view.body.secrets).toEqual(['NIGHTJAR-42']);
    expect(JSON.stringify((await api.request('get', `/v1/bots/${secretive}/public`)).body)).not.toContain(
      'NIGHTJAR',
    );
    standin.setObeyMode('citable-only');
    const reply = await api.request('post', `/v1/bots/${secretive}/chat`, {
      body: { message: QUESTION },
      headers: { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' },
    });
    const answer = [...String(reply.body).matchAll(/^event: token\ndata: (.*)$/gm)]
      .map((m) => JSON.parse(m[1] as string).text as string)
      .join('');
    expect(answer).toContain(WITHHELD_NOTICE);
    expect(answer.replace(/[^a-z0-9]/gi, '').toLowerCase()).not.toContain('nightjar42');
  });

  it('still answers a question from citable text, word for word', async () => {
    const { answer, citations } = await ask('citable-only');
    expect(answer).toContain(CITABLE);
    expect(answer).not.toContain(WITHHELD_NOTICE);
    expect(citations).toContain('payments');
  });
});

interface Leak {
  /** Share of the learn-only passage's content 4-grams found, forwards or backwards. */
  grams: number;
  /** Distinctive tokens found. */
  tokens: number;
}

/** An independent reading of what leaked: every decoding the attacker could apply. */
function leakOf(shown: string): Leak {
  const digits: Record<string, string> = {
    zero: '0',
    one: '1',
    two: '2',
    three: '3',
    four: '4',
    five: '5',
    six: '6',
    seven: '7',
    eight: '8',
    nine: '9',
  };
  const norm = (t: string) =>
    (
      t
        .normalize('NFKC')
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? []
    ).map((w) => digits[w] ?? w);
  const decodedRuns = (shown.match(/[A-Za-z0-9+/=]{12,}/g) ?? []).flatMap((run) => [
    Buffer.from(run, 'base64').toString('utf8'),
    /^[0-9a-f]+$/i.test(run) ? Buffer.from(run, 'hex').toString('utf8') : '',
  ]);
  const rot13 = shown.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
  const views = [shown, rot13, decodedRuns.join(' ')].map(norm);
  const stop = new Set(['the', 'of', 'on', 'from', 'per', 'is', 'get', 'before']);
  const content = norm(LEARN_ONLY).filter((w) => !stop.has(w));
  const passageGrams = new Set(content.slice(0, -3).map((_, i) => content.slice(i, i + 4).join(' ')));
  const vocabulary = new Set(content);
  const found = new Set<string>();
  for (const view of views) {
    const kept = view.filter((w) => vocabulary.has(w));
    for (const sequence of [kept, [...kept].reverse()])
      for (let i = 0; i + 4 <= sequence.length; i++) {
        const gram = sequence.slice(i, i + 4).join(' ');
        if (passageGrams.has(gram)) found.add(gram);
      }
  }
  const runs = views.map((view) => view.join(''));
  const tokens = DISTINCTIVE.filter((token) => runs.some((run) => run.includes(token))).length;
  return { grams: found.size / passageGrams.size, tokens };
}

function pct(share: number): string {
  return `${Math.round(share * 100)} %`.padStart(5);
}
