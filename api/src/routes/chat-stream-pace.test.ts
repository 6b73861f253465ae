/**
 * A visitor sees an answer being written, not dropped in at once: through the real inference
 * gateway (its own process, offline answerer, as `npm start` runs it without a model) and the
 * api, the chat stream reaches the client in many reads. Before the offline answerer kept a
 * model's pace, the gateway wrote a whole answer within a few milliseconds, the api read it in
 * one or two gulps and relayed it the same way: the browser got one to three chunks.
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

let platform: PlatformWithGateway | undefined;
let api: PlatformTestApi;
let botId: string;
let ownerToken: string;

beforeAll(async () => {
  platform = await startPlatformWithGateway();
  api = platform.api;
  const org = await api.createOrg('61');
  botId = await api.createBot(org);
  ownerToken = org.token;
  const created = await api.request('post', `/v1/orgs/61/bots/${botId}/sources`, {
    token: org.token,
    body: {
      type: 'text',
      name: 'contracts',
      text: 'Annual contracts renew automatically each year with the card on file. Annual contracts can be cancelled before renewal from the billing page.',
    },
  });
  expect(created.status).toBe(201);
  await api.platform.ingestion.idle();
  await api.request('post', `/v1/orgs/61/bots/${botId}/publish`, { token: org.token });
}, 180_000);
afterAll(async () => {
  await platform?.close();
});

it('relays an answer to the client as a stream of small reads, not one to three chunks', async () => {
  const response = await nativeFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_PUBLIC_URL },
    body: JSON.stringify({ message: 'How do annual contracts renew?' }),
  });
  expect(response.status).toBe(200);
  let tokens = 0;
  let readsWithTokens = 0;
  for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
    const found =
      Buffer.from(part)
        .toString()
        .match(/^event: token$/gm)?.length ?? 0;
    tokens += found;
    if (found > 0) readsWithTokens++;
  }
  expect(tokens).toBeGreaterThan(20);
  // Each word may share a read with a neighbour now and then, never the whole answer.
  expect(readsWithTokens).toBeGreaterThanOrEqual(Math.ceil(tokens / 2));
});

it("says the bot's own fallback message when nothing it knows answers the visitor", async () => {
  const fallback = 'We could not find that here. Write to help@example.com and a person will answer.';
  const patched = await api.request('patch', `/v1/orgs/61/bots/${botId}`, {
    token: ownerToken,
    body: { fallbackMessage: fallback },
  });
  expect(patched.status).toBe(200);
  const response = await nativeFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_PUBLIC_URL },
    body: JSON.stringify({ message: 'Which volcano on Mars is the tallest?' }),
  });
  expect(response.status).toBe(200);
  let text = '';
  for await (const event of readSse(response.body)) {
    if (event.event === 'token') text += (JSON.parse(event.data) as { text: string }).text;
  }
  expect(text.trim()).toBe(fallback);
});
