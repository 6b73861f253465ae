import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LlmStandin, startLlmStandin } from './start-llm-standin.js';

let standin: LlmStandin;
beforeAll(async () => {
  standin = await startLlmStandin({ ttftMs: 5, tokenDelayMs: 2, apiKey: 'sk-test' });
});
afterAll(() => standin.close());

const post = (path: string, body: unknown, key = 'sk-test', signal?: AbortSignal) =>
  fetch(`${standin.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
    signal,
  });

/** The `data:` payloads of an SSE body. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

const messages = [{ role: 'user', content: 'What is a TEE?' }];

interface CompletionBody {
  object: string;
  choices: { message: { content: string } }[];
  usage: unknown;
}
interface EmbeddingBody {
  data: { embedding: number[] }[];
}
interface Base64EmbeddingBody {
  data: { embedding: string }[];
}

describe('LLM stand-in', () => {
  it('answers a chat completion with usage', async () => {
    const res = await post('/chat/completions', { model: 'standin-small', messages, max_tokens: 5 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as CompletionBody;
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]?.message.content).toBe('Stand-in answer about What is.');
    expect(body.usage).toEqual({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
  });

  it('streams chunks, usage in the last chunk only when asked, then [DONE]', async () => {
    const withUsage = sseData(
      await (
        await post('/chat/completions', {
          model: 'm',
          messages,
          stream: true,
          max_tokens: 4,
          stream_options: { include_usage: true },
        })
      ).text(),
    );
    expect(withUsage.at(-1)).toBe('[DONE]');
    const chunks = withUsage.slice(0, -1).map((d) => JSON.parse(d));
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Stand-in answer about What.');
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage.completion_tokens).toBe(4);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');

    const without = sseData(
      await (await post('/chat/completions', { model: 'm', messages, stream: true, max_tokens: 4 })).text(),
    );
    expect(without.slice(0, -1).some((d) => JSON.parse(d).usage)).toBe(false);
  });

  it('counts a stream the client abandons as aborted', async () => {
    const slow = await startLlmStandin({ tokenDelayMs: 50 });
    try {
      const controller = new AbortController();
      const aborted = once(slow.events, 'aborted');
      const res = await fetch(`${slow.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages, stream: true, max_tokens: 20 }),
        signal: controller.signal,
      });
      const reader = res.body?.getReader();
      await reader?.read();
      controller.abort();
      await aborted;
      expect(slow.stats.abortedStreams).toBe(1);
      expect(slow.stats.completedStreams).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('embeds deterministically with the requested dimensions, as floats or base64', async () => {
    const a = (await (
      await post('/embeddings', { model: 'e', input: ['hello', 'world'], dimensions: 384 })
    ).json()) as EmbeddingBody;
    expect(a.data).toHaveLength(2);
    expect(a.data[0]?.embedding).toHaveLength(384);
    expect(Math.hypot(...(a.data[0]?.embedding ?? []))).toBeCloseTo(1, 5);
    const b = (await (
      await post('/embeddings', { model: 'e', input: 'hello', dimensions: 384, encoding_format: 'base64' })
    ).json()) as Base64EmbeddingBody;
    const decoded = new Float32Array(
      Uint8Array.from(Buffer.from(b.data[0]?.embedding ?? '', 'base64')).buffer,
    );
    expect(Array.from(decoded)).toEqual(a.data[0]?.embedding);
    expect(a.data[0]?.embedding).not.toEqual(a.data[1]?.embedding);
  });

  it('lists models, and refuses a wrong key and bad input with OpenAI error bodies', async () => {
    const models = (await (
      await fetch(`${standin.url}/models`, { headers: { authorization: 'Bearer sk-test' } })
    ).json()) as { data: { id: string }[] };
    expect(models.data.map((m: { id: string }) => m.id)).toContain('standin-small');
    const denied = await post('/chat/completions', { model: 'm', messages }, 'wrong');
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    const bad = await post('/chat/completions', { model: 'm', messages: [] });
    expect(bad.status).toBe(400);
  });
});
