/**
 * The `citations` a visitor sees are the sources the answer uses, through the real inference
 * gateway (its own process, offline answerer with the sentence model, as `npm start` runs it
 * without a language model) and the api. Before, every retrieved source was listed, also those
 * the answer never quoted and also under the fallback message.
 */
import { nativeFetch } from '@privexbot/schema/fetch';
import { readSse } from '@privexbot/schema/sse';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';
import {
  type PlatformWithGateway,
  startPlatformWithGateway,
} from '../services/bots/test-support/start-platform-with-gateway.js';

const fallback = 'We could not find that here. Write to help@example.com and a person will answer.';
let platform: PlatformWithGateway | undefined;
let api: PlatformTestApi;
let botId: string;

beforeAll(async () => {
  platform = await startPlatformWithGateway({ EMBEDDINGS: 'model' });
  api = platform.api;
  const org = await api.createOrg('62');
  botId = await api.createBot(org, { fallbackMessage: fallback });
  for (const [name, text] of [
    ['refunds', 'Refunds are paid to the original card within 30 days of the return. Gift cards are kept.'],
    ['office', 'Our office in Lisbon opens at nine and closes at six on weekdays.'],
    ['shipping', 'Parcels to Portugal arrive in five working days; delivery is free above 50 euros.'],
  ] as const) {
    const created = await api.request('post', `/v1/orgs/62/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name, text },
    });
    expect(created.status).toBe(201);
  }
  await api.platform.ingestion.idle();
  await api.request('post', `/v1/orgs/62/bots/${botId}/publish`, { token: org.token });
}, 180_000);
afterAll(async () => {
  await platform?.close();
});

async function chat(message: string): Promise<{ text: string; cited: string[]; conversationId: string }> {
  const response = await nativeFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_PUBLIC_URL },
    body: JSON.stringify({ message }),
  });
  expect(response.status).toBe(200);
  let text = '';
  let cited: string[] | undefined;
  let conversationId = '';
  for await (const event of readSse(response.body)) {
    const data = JSON.parse(event.data);
    if (event.event === 'token') text += data.text;
    if (event.event === 'citations') cited = data.citations.map((c: { title: string }) => c.title);
    if (event.event === 'done') conversationId = data.conversationId;
    expect(event.event).not.toBe('error');
  }
  expect(cited).toBeDefined();
  return { text, cited: cited ?? [], conversationId };
}

it('cites only the source the offline answer quotes, though all three were retrieved', async () => {
  const answer = await chat('How do I get my money back?');
  expect(answer.text).toContain('Refunds are paid to the original card within 30 days of the return.');
  expect(answer.cited).toEqual(['refunds']);
});

it("cites nothing when the visitor reads the bot's fallback message", async () => {
  const answer = await chat('Which volcano on Mars is the tallest?');
  expect(answer.text.trim()).toBe(fallback);
  expect(answer.cited).toEqual([]);
});
