/**
 * Learn-only knowledge is never cited or quoted, even by a model that disobeys the prompt.
 * The "model" here is a local OpenAI-compatible server that leaks: it streams back every
 * system message it was given, word by word, then a sentence of its own.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nativeFetch as httpFetch } from '@privexbot/schema/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../bots/test-support/start-platform-test-api.js';
import { WITHHELD_NOTICE } from './learn-only-guard.js';

const CANARY = 'QUOKKA-CANARY-7731';
const learnOnlyText = `Internal pricing memo: partners get the ${CANARY} discount of forty percent on annual contracts signed before March.`;
const citableText =
  'Annual contracts can be paid by card or by bank transfer, and renew automatically each year.';

let leaky: Server;
let lastPrompt = '';
let leakyUrl: string;
let api: PlatformTestApi;
let botId: string;

beforeAll(async () => {
  leaky = createServer((req, res) => {
    let raw = '';
    req.on('data', (part) => (raw += part));
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string; messages: { role: string; content: string }[] };
      lastPrompt = JSON.stringify(body.messages);
      const leaked = body.messages
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n');
      const words = `${leaked}\nIn short, annual contracts renew each year.`.match(/\S+\s*/g) ?? [];
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, usage?: object) =>
        `data: ${JSON.stringify({ id: 'leak', object: 'chat.completion.chunk', created: 0, model: body.model, choices: usage ? [] : [{ index: 0, delta, finish_reason: null }], ...(usage ? { usage } : {}) })}\n\n`;
      for (const word of words) res.write(chunk({ content: word }));
      res.write(
        chunk({}, { prompt_tokens: 100, completion_tokens: words.length, total_tokens: 100 + words.length }),
      );
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => leaky.listen(0, '127.0.0.1', resolve));
  leakyUrl = `http://127.0.0.1:${(leaky.address() as AddressInfo).port}/v1`;
  api = await startPlatformTestApi({ env: { LLM_BASE_URL: leakyUrl } });
  const org = await api.createOrg('51');
  botId = await api.createBot(org);
  for (const [name, text, citable] of [
    ['pricing memo', learnOnlyText, false],
    ['contracts', citableText, true],
  ] as const) {
    const created = await api.request('post', `/v1/orgs/51/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name, text, citable },
    });
    expect(created.status).toBe(201);
  }
  await api.platform.ingestion.idle();
  await api.request('post', `/v1/orgs/51/bots/${botId}/publish`, { token: org.token });
});
afterAll(async () => {
  await api?.close();
  leaky?.close();
});

describe('learn-only knowledge', () => {
  it('reaches the model as background but is never quoted or cited in the answer', async () => {
    const response = await httpFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_PUBLIC_URL },
      body: JSON.stringify({ message: 'What discount do partners get on annual contracts?' }),
    });
    const stream = await response.text();
    const answer = [...stream.matchAll(/^event: token\ndata: (.*)$/gm)]
      .map((m) => JSON.parse(m[1] as string).text)
      .join('');
    const citations = JSON.parse(stream.match(/^event: citations\ndata: (.*)$/m)?.[1] ?? '{}').citations;

    // The retrieval put the learn-only passage in front of the model, with the rule.
    expect(lastPrompt).toContain(CANARY);
    expect(lastPrompt).toContain('never quote it');
    expect(stream).not.toContain(CANARY);
    expect(answer).not.toContain('forty percent on annual contracts signed');
    expect(answer).not.toContain('Internal pricing memo');
    // The answer echoed the background, so it is withheld (a notice instead); the citable
    // source is still cited and the learn-only one never is.
    expect(answer).toContain(WITHHELD_NOTICE);
    expect(citations.map((c: { title: string }) => c.title)).toEqual(['contracts']);

    const stored = await api.db.message.findFirstOrThrow({ where: { role: 'assistant' } });
    expect(stored.content).not.toContain(CANARY);
    expect(JSON.stringify(stored.citations)).not.toContain('pricing memo');
  });
});
