/**
 * Public chat through the whole api (access checks, rate-limit counters, quota, history,
 * hybrid retrieval over a bot with 10k chunks, prompt, streaming, the answer's transaction):
 *  - platform overhead to first token: request → first `token` event, minus the stand-in
 *    LLM's own time to first token measured directly, p50/p95 at 1 and 50 concurrent visitors;
 *  - chat requests per second with an instantly answering LLM;
 *  - peak resident memory (VmHWM) of the api process over the runs.
 *
 *   npx tsx scripts/bench/api-chat.ts        (env: CHUNKS=10000 TTFT_MS=50 REQUESTS=200)
 *
 * The database is PGlite served over the wire protocol from this process (in production a
 * separate PostgreSQL); the api runs as its own process (api-bench-server.ts).
 * Goals (issue 4): overhead p50 ≤ 25 ms and p95 ≤ 60 ms at 50 concurrent; RSS ≤ 300 MB.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { httpFetch } from '../../api/src/services/chat/http-fetch.js';
import { startLlmStandin } from '../llm-standin/start-llm-standin.js';
import { createBenchBot, ms, percentile, seedChunks, startBenchDatabase } from './api-bench-support.js';

const CHUNKS = Number(process.env.CHUNKS ?? 10_000);
const TTFT_MS = Number(process.env.TTFT_MS ?? 50);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const PUBLIC_URL = 'http://bench.privexbot.test';
const questions = [
  'How long does express delivery take?',
  'Can I return a product after 20 days?',
  'Which payment methods do you accept?',
  'How do I reset my password?',
];

async function startApi(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./api-bench-server.ts', import.meta.url))],
    {
      env: {
        PATH: process.env.PATH ?? '',
        PUBLIC_URL,
        LOG_LEVEL: process.env.API_LOG_LEVEL ?? 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  for await (const line of createInterface({ input: child.stdout })) {
    const port = (JSON.parse(line) as { port?: number }).port;
    if (port) {
      return {
        url: `http://127.0.0.1:${port}`,
        /** CPU time the api process used so far (user + system), from /proc: ticks of 10 ms. */
        cpuMs: () => {
          const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
          return (Number(fields[11]) + Number(fields[12])) * 10;
        },
        peakRssMb: () =>
          Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)?.[1] ?? 0) / 1024,
        stop: () =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
  }
  throw new Error('the api did not start');
}

/** One chat: time to the first token event and to the end of the stream. */
async function chatOnce(apiUrl: string, botId: string, i: number): Promise<{ ttft: number; total: number }> {
  const started = performance.now();
  const response = await httpFetch(`${apiUrl}/v1/bots/${botId}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ message: questions[i % questions.length], visitorId: `visitor-${i}` }),
  });
  if (response.status !== 200) throw new Error(`chat answered ${response.status}: ${await response.text()}`);
  let ttft = Number.NaN;
  let text = '';
  const decoder = new TextDecoder();
  for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(part, { stream: true });
    if (Number.isNaN(ttft) && text.includes('event: token')) ttft = performance.now() - started;
  }
  if (!text.includes('event: done')) throw new Error(`stream without done: ${text.slice(-300)}`);
  return { ttft, total: performance.now() - started };
}

async function run(
  concurrency: number,
  total: number,
  task: (i: number) => Promise<{ ttft: number; total: number }>,
) {
  const results: { ttft: number; total: number }[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) results.push(await task(next++));
    }),
  );
  return { results, seconds: (performance.now() - started) / 1000 };
}

const bench = await startBenchDatabase();
const standin = await startLlmStandin({ port: 0, ttftMs: TTFT_MS, tokenDelayMs: 1, answerTokens: 16 });
const instant = await startLlmStandin({ port: 0, ttftMs: 0, tokenDelayMs: 0, answerTokens: 8 });
try {
  const owner = 'secret1benchowner';
  const botId = await createBenchBot(bench.db, owner);
  console.log(`seeding ${CHUNKS} chunks...`);
  await seedChunks(bench.db, botId, CHUNKS, () => {});

  // The stand-in's own time to first token, measured the same way (streamed, first content).
  const directTtft: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    const response = await httpFetch(`${standin.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: 'hello' }],
        stream: true,
        max_tokens: 16,
      }),
    });
    let first = Number.NaN;
    let text = '';
    const decoder = new TextDecoder();
    for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(part, { stream: true });
      if (Number.isNaN(first) && text.includes('"content":"S')) first = performance.now() - started;
    }
    directTtft.push(first);
  }
  const llmP50 = percentile(directTtft, 50);
  console.log(
    `\nstand-in LLM alone: time to first token p50 ${ms(llmP50)}, p95 ${ms(percentile(directTtft, 95))}`,
  );

  const api = await startApi({
    DATABASE_URL: bench.database.url,
    LLM_BASE_URL: standin.url,
    BENCH_OWNER: owner,
  });
  for (let i = 0; i < 10; i++) await chatOnce(api.url, botId, i); // warm-up
  console.log(
    `\nplatform overhead to first token (api TTFT − stand-in TTFT p50), bot with ${CHUNKS} chunks:`,
  );
  for (const concurrency of [1, 50]) {
    const count = concurrency === 1 ? Math.min(REQUESTS, 60) : REQUESTS;
    const apiCpu = api.cpuMs();
    const ownCpu = process.cpuUsage();
    const { results } = await run(concurrency, count, (i) => chatOnce(api.url, botId, i));
    const ttft = results.map((r) => r.ttft);
    const own = process.cpuUsage(ownCpu);
    console.log(
      `  ${String(concurrency).padStart(2)} concurrent, ${count} chats: TTFT p50 ${ms(percentile(ttft, 50))} p95 ${ms(percentile(ttft, 95))} → overhead p50 ${ms(percentile(ttft, 50) - llmP50)}, p95 ${ms(percentile(ttft, 95) - llmP50)}`,
    );
    // Independent of other load on the machine: CPU spent per chat by the api, and by this
    // process (the embedded database, the stand-in LLM and the clients).
    console.log(
      `      CPU per chat: api ${ms((api.cpuMs() - apiCpu) / count)}, database + stand-in + clients ${ms((own.user + own.system) / 1000 / count)}`,
    );
  }
  console.log(`  peak RSS of the api process: ${api.peakRssMb().toFixed(0)} MB`);
  await api.stop();

  const fast = await startApi({
    DATABASE_URL: bench.database.url,
    LLM_BASE_URL: instant.url,
    BENCH_OWNER: owner,
  });
  for (let i = 0; i < 10; i++) await chatOnce(fast.url, botId, i);
  const { results, seconds } = await run(16, REQUESTS, (i) => chatOnce(fast.url, botId, i));
  console.log(
    `\nwith an instantly answering LLM: ${(results.length / seconds).toFixed(1)} chats/s (16 concurrent, ${results.length} chats, p50 ${ms(
      percentile(
        results.map((r) => r.total),
        50,
      ),
    )} per chat)`,
  );
  console.log(`  peak RSS of the api process: ${fast.peakRssMb().toFixed(0)} MB`);
  await fast.stop();
} finally {
  await standin.close();
  await instant.close();
  await bench.close();
}
