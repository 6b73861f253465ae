import { formatSseEvent } from '@privexbot/schema/sse';
import { describe, expect, it } from 'vitest';
import { signedInToServer } from '../../testing/test-setup.js';
import { ApiRequestError, InvalidInputError } from '../errors.js';
import { streamTestChat } from './stream-test-chat.js';

/**
 * A local server speaking the chat endpoint's documented protocol (DESIGN.md: `token` events,
 * then `citations`, `usage`, `done`, or `error`), flushing each event in its own write so the
 * client really reads a stream in pieces.
 */
const received: unknown[] = [];

const config = signedInToServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', async () => {
    const parsed = JSON.parse(body) as { message: string; conversationId?: string };
    received.push({ path: request.url, auth: request.headers.authorization, ...parsed });
    if (request.url === '/v1/bots/quota/chat') {
      response.writeHead(402, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: {
            code: 'QUOTA_EXHAUSTED',
            message: 'This bot has used its messages for this period.',
            requestId: 'q1',
          },
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown) =>
      new Promise<void>((resolve) => {
        response.write(formatSseEvent(event, data), () => setTimeout(resolve, 5));
      });
    if (request.url === '/v1/bots/failing/chat') {
      await send('token', { text: 'Part' });
      await send('error', { code: 'UPSTREAM_FAILED', message: 'The model did not answer.' });
      response.end();
      return;
    }
    for (const text of ['Refunds ', 'take ', '14 days.']) await send('token', { text });
    await send('citations', {
      citations: [{ sourceId: 's1', title: 'Refund policy', snippet: '14 days' }],
    });
    await send('usage', { promptTokens: 12, completionTokens: 4 });
    await send('done', { conversationId: 'c-42' });
    response.end();
  });
});

describe('streamTestChat', () => {
  it('streams tokens as they arrive, then returns the answer, its citations and the conversation', async () => {
    const tokens: string[] = [];
    const result = await streamTestChat(config(), {
      botId: 'b1',
      message: 'How long for refunds?',
      onToken: (t) => tokens.push(t),
    });
    expect(tokens).toEqual(['Refunds ', 'take ', '14 days.']);
    expect(result).toEqual({
      answer: 'Refunds take 14 days.',
      citations: [{ sourceId: 's1', title: 'Refund policy', snippet: '14 days' }],
      conversationId: 'c-42',
    });
    expect(received.at(-1)).toEqual({
      path: '/v1/bots/b1/chat',
      auth: 'Bearer tok',
      message: 'How long for refunds?',
    });

    await streamTestChat(config(), {
      botId: 'b1',
      message: 'And exchanges?',
      conversationId: 'c-42',
      onToken: () => {},
    });
    expect(received.at(-1)).toMatchObject({ conversationId: 'c-42' });
  });

  it('turns an error event into ApiRequestError with the server’s code', async () => {
    const error = await streamTestChat(config(), {
      botId: 'failing',
      message: 'hi',
      onToken: () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ code: 'UPSTREAM_FAILED', shortMessage: 'The model did not answer.' });
  });

  it('reports an exhausted quota (HTTP 402) with the api’s polite message', async () => {
    const error = await streamTestChat(config(), { botId: 'quota', message: 'hi', onToken: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      status: 402,
      code: 'QUOTA_EXHAUSTED',
      shortMessage: 'This bot has used its messages for this period.',
    });
  });

  it('refuses an empty message before sending anything', async () => {
    const before = received.length;
    await expect(
      streamTestChat(config(), { botId: 'b1', message: '  ', onToken: () => {} }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(received.length).toBe(before);
  });
});
