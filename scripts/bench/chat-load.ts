/**
 * Chat load for the benchmarks: the api and the stand-in LLM as processes of their own, and
 * visitors chatting through the public chat route (scripts/bench/api-chat.ts,
 * scripts/bench/ingest-under-chat.ts).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { nativeFetch } from '@privexbot/schema/fetch';

/** The origin the bench api is configured with (PUBLIC_URL): chats come from its frame. */
export const BENCH_PUBLIC_URL = 'http://bench.privexbot.test';
const questions = [
  'How long does express delivery take?',
  'Can I return a product after 20 days?',
  'Which payment methods do you accept?',
  'How do I reset my password?',
];

export interface ChatTiming {
  ttft: number;
  total: number;
  conversationId: string;
}

/**
 * A TypeScript service in a process of its own, ready once a line of its stdout yields its
 * URL. The api and the stand-in LLM run this way, as they would in production.
 */
export async function spawnService(options: {
  script: string;
  nodeArgs?: string[];
  env: Record<string, string>;
  urlOf: (line: string) => string | undefined;
  /** Receives each stderr line (which is otherwise passed through). */
  onStderrLine?: (line: string) => void;
}) {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', fileURLToPath(new URL(options.script, import.meta.url))],
    {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', options.onStderrLine ? 'pipe' : 'inherit'],
    },
  );
  if (options.onStderrLine && child.stderr) {
    const onLine = options.onStderrLine;
    createInterface({ input: child.stderr }).on('line', onLine);
  }
  for await (const line of createInterface({ input: child.stdout as NonNullable<typeof child.stdout> })) {
    const url = options.urlOf(line);
    if (url)
      return {
        url,
        pid: child.pid as number,
        stop: () =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
  }
  throw new Error(`${options.script} did not start`);
}

/** One chat: time to the first token event and to the end of the stream. */
export async function chatOnce(
  apiUrl: string,
  botId: string,
  i: number,
  visitorId = `visitor-${i}`,
  conversationId?: string,
  /** A question no visitor asked before (numbered), so the sentence model embeds it anew. */
  fresh = false,
): Promise<ChatTiming> {
  const question = questions[i % questions.length] as string;
  const message = fresh ? `${question} (question ${i})` : question;
  const started = performance.now();
  const response = await nativeFetch(`${apiUrl}/v1/bots/${botId}/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: BENCH_PUBLIC_URL,
      'sec-fetch-site': 'same-origin',
    },
    body: JSON.stringify({ message, visitorId, conversationId }),
  });
  if (response.status !== 200) throw new Error(`chat answered ${response.status}: ${await response.text()}`);
  let ttft = Number.NaN;
  let text = '';
  const decoder = new TextDecoder();
  for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(part, { stream: true });
    if (Number.isNaN(ttft) && text.includes('event: token')) ttft = performance.now() - started;
  }
  const done = /event: done\ndata: (.*)\n/.exec(text);
  if (!done?.[1]) throw new Error(`stream without done: ${text.slice(-300)}`);
  const id = (JSON.parse(done[1]) as { conversationId: string }).conversationId;
  return { ttft, total: performance.now() - started, conversationId: id };
}

/**
 * `visitors` people chatting for `seconds` (or until `stop` resolves): each sends a message,
 * reads the whole streamed answer, pauses (exponentially distributed, mean `thinkMs`) and asks
 * the next question in the same conversation.
 */
export async function visitorsAtPace(
  apiUrl: string,
  botId: string,
  visitors: number,
  thinkMs: number,
  seconds: number,
  options: { stop?: Promise<unknown>; freshQuestions?: boolean } = {},
) {
  const results: ChatTiming[] = [];
  let until = performance.now() + seconds * 1000;
  void options.stop?.then(() => {
    until = 0;
  });
  let asked = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: visitors }, async (_, v) => {
      // Arrivals spread over one pause, as visitors would not all press Enter at once.
      await sleep(Math.random() * thinkMs);
      let conversationId: string | undefined;
      while (performance.now() < until) {
        const timing = await chatOnce(
          apiUrl,
          botId,
          asked++,
          `pace-visitor-${v}`,
          conversationId,
          options.freshQuestions,
        );
        conversationId = timing.conversationId;
        results.push(timing);
        await sleep(-Math.log(1 - Math.random()) * thinkMs);
      }
    }),
  );
  return { results, seconds: (performance.now() - started) / 1000 };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
