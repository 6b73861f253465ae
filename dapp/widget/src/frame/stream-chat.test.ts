import { describe, expect, it } from 'vitest';
import { ChatError, readChatStream, readErrorBody } from './stream-chat.js';

function sseResponse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

async function read(chunks: string[]) {
  const seen = { text: '', citations: [] as unknown[], conversationId: undefined as string | undefined };
  await readChatStream(sseResponse(chunks), {
    onToken: (t) => {
      seen.text += t;
    },
    onCitations: (c) => {
      seen.citations = c;
    },
    onDone: (id) => {
      seen.conversationId = id;
    },
  });
  return seen;
}

describe('readChatStream', () => {
  it('collects tokens, valid citations and the conversation id', async () => {
    const seen = await read([
      'event: token\ndata: {"text":"Hel',
      'lo"}\n\nevent: token\ndata: {"text":" wörld"}\n\n',
      'event: citations\ndata: {"citations":[{"title":"A","url":"https://a.example","snippet":"s"},{"title":3},null]}\n\n',
      'event: usage\ndata: {"promptTokens":1,"completionTokens":2}\n\nevent: token\ndata: not json\n\n',
      'event: done\ndata: {"conversationId":"c-1"}\n\n',
    ]);
    expect(seen).toEqual({
      text: 'Hello wörld',
      citations: [{ title: 'A', url: 'https://a.example', snippet: 's' }],
      conversationId: 'c-1',
    });
  });

  it('turns an error event into a ChatError with its code', async () => {
    await expect(
      read([
        'event: token\ndata: {"text":"a"}\n\nevent: error\ndata: {"code":"QUOTA_EXHAUSTED","message":"no"}\n\n',
      ]),
    ).rejects.toEqual(new ChatError('QUOTA_EXHAUSTED', 'no'));
  });

  it('reports a stream that ends before done as broken', async () => {
    await expect(read(['event: token\ndata: {"text":"a"}\n\n'])).rejects.toMatchObject({
      code: 'STREAM_BROKEN',
    });
  });
});

describe('readErrorBody', () => {
  it('reads the api error shape and tolerates any other body', async () => {
    const api = new Response(
      JSON.stringify({ error: { code: 'QUOTA_EXHAUSTED', message: 'm', requestId: 'r' } }),
      {
        status: 402,
      },
    );
    expect(await readErrorBody(api)).toMatchObject({ code: 'QUOTA_EXHAUSTED', message: 'm' });
    expect(await readErrorBody(new Response('<html>bad gateway</html>', { status: 502 }))).toMatchObject({
      code: 'HTTP_502',
    });
  });
});
