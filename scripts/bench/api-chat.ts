/**
 * Public chat through the whole api (access checks, rate-limit counters, quota, history,
 * hybrid retrieval over a bot with 10k chunks, prompt, streaming, the answer's write):
 *  - on each database of DATABASES (default `embedded,postgres`: PGlite and a PostgreSQL
 *    server, side by side in one run, each line naming its database);
 *  - platform overhead to first token: request → first `token` event, minus the stand-in
 *    LLM's own time to first token measured directly, p50/p95:
 *     - 1 visitor, one message after another;
 *     - 20 and 50 (VISITORS) concurrent visitors at a conversational pace: each holds a
 *       conversation (history included), reads the streamed answer (the stand-in streams at
 *       STREAM_TOKENS_PER_S), then pauses THINK_MS on average (exponential) before the next
 *       message; the offered load is printed beside it;
 *     - where the time goes, from the api's own per-chat timings (admission: access, rate-limit
 *       counters, quota, history; retrieval; the rest: prompt and the model's first token);
 *     - 50 requests in flight with no pause (capacity): every request queues behind the
 *       others, so by Little's law TTFT there is 50 / throughput, whatever the platform does;
 *       it shows throughput under overload, not per-request overhead;
 *  - chat requests per second with an instantly answering LLM;
 *  - peak resident memory (VmHWM) of the api process over the runs.
 *
 * EMBEDDER=model puts the sentence model in the query path: the bot is on the api's default
 * model (titled passages) with the python3-doc corpus of the quality benchmark (~10k chunks, its
 * cached vectors) instead of CHUNKS synthetic chunks with word-hash vectors, and every question
 * is a new wording, so each one is embedded by the model.
 *
 *   npx tsx scripts/bench/api-chat.ts
 *     (env: EMBEDDER=hash|model DATABASES=embedded,postgres CHUNKS=10000 TTFT_MS=50 REQUESTS=200 VISITORS=20,50
 *      THINK_MS=5000 VISITOR_SECONDS=60 STREAM_TOKENS_PER_S=50 ANSWER_TOKENS=40 CAPACITY=1)
 *
 * Separate processes, as in production: the database (PGlite over the wire protocol as
 * `npm start` runs it, or the PostgreSQL server as `npm start -- --db postgres` does), the api (api-bench-server.ts), the stand-in LLM, and this one (the
 * clients).
 * Goals (issue 4): overhead p50 ≤ 25 ms and p95 ≤ 60 ms at 50 concurrent; RSS ≤ 300 MB.
 */
import { readFileSync } from 'node:fs';
import { nativeFetch } from '@privexbot/schema/fetch';
import {
  type BenchDatabaseKind,
  benchDatabaseKinds,
  createBenchBot,
  describeDatabase,
  ms,
  percentile,
  seedChunks,
  startBenchDatabase,
} from './api-bench-support.js';
import {
  type ChatTiming,
  chatOnce,
  BENCH_PUBLIC_URL as PUBLIC_URL,
  spawnService,
  visitorsAtPace,
} from './chat-load.js';
import { loadModelCorpus } from './retrieval-quality/embedded-corpus.js';
import { seedCorpus } from './retrieval-quality/seed-corpus.js';

const CHUNKS = Number(process.env.CHUNKS ?? 10_000);
const ON_MODEL = process.env.EMBEDDER === 'model';
/** The model's corpus and its vectors (cached by the quality benchmark), when EMBEDDER=model. */
const modelCorpus = ON_MODEL ? await loadModelCorpus() : undefined;
const TTFT_MS = Number(process.env.TTFT_MS ?? 50);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const VISITORS = (process.env.VISITORS ?? '20,50').split(',').map(Number);
const CAPACITY = process.env.CAPACITY === '1';
const THINK_MS = Number(process.env.THINK_MS ?? 5000);
const VISITOR_SECONDS = Number(process.env.VISITOR_SECONDS ?? 60);
const STREAM_TOKENS_PER_S = Number(process.env.STREAM_TOKENS_PER_S ?? 50);
const ANSWER_TOKENS = Number(process.env.ANSWER_TOKENS ?? 40);

interface TurnTimings {
  admit: number;
  retrieve: number;
  firstToken: number;
}

async function startApi(env: Record<string, string>) {
  // The api's own per-chat timings (debug log), for the profile of where the time goes.
  const turns: TurnTimings[] = [];
  const api = await spawnService({
    script: './api-bench-server.ts',
    // e.g. API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the api's time goes
    nodeArgs: (process.env.API_NODE_ARGS ?? '').split(' ').filter(Boolean),
    env: { PUBLIC_URL, LOG_LEVEL: 'debug', ...env },
    onStderrLine: (line) => {
      if (!line.includes('chat turn timings')) {
        if (line.includes('"level":4') || line.includes('"level":5')) process.stderr.write(`${line}\n`);
        return;
      }
      const ms = (JSON.parse(line) as { ms?: TurnTimings }).ms;
      if (ms && ms.firstToken !== null) turns.push(ms);
    },
    urlOf: (line) => {
      const port = (JSON.parse(line) as { port?: number }).port;
      return port ? `http://127.0.0.1:${port}` : undefined;
    },
  });
  return {
    ...api,
    turns,
    cpuMs: () => cpuMsOf(api.pid),
    peakRssMb: () =>
      Number(readFileSync(`/proc/${api.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)?.[1] ?? 0) / 1024,
  };
}

/** The stand-in LLM (tests/support/llm-standin/main.ts, @privexbot/test-support). */
function spawnStandin(env: Record<string, string>) {
  return spawnService({
    script: '../../tests/support/llm-standin/main.ts',
    env: { PORT: '0', ...env },
    urlOf: (line) => /listening at (\S+)/.exec(line)?.[1],
  });
}

/** CPU time a process used so far (user + system), from /proc: ticks of 10 ms. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function run(concurrency: number, total: number, task: (i: number) => Promise<ChatTiming>) {
  const results: ChatTiming[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) results.push(await task(next++));
    }),
  );
  return { results, seconds: (performance.now() - started) / 1000 };
}

interface Row {
  database: BenchDatabaseKind;
  label: string;
  p50: number;
  p95: number;
}
const table: Row[] = [];

for (const kind of benchDatabaseKinds()) await benchOn(kind);

console.log(
  `\nplatform overhead to first token, side by side (the stand-in LLM's own measured TTFT p50 subtracted):`,
);
console.log('| visitors | embedded PGlite p50 / p95 | PostgreSQL server p50 / p95 |');
console.log('|---|---|---|');
for (const label of [...new Set(table.map((r) => r.label))]) {
  const cell = (database: BenchDatabaseKind) => {
    const row = table.find((r) => r.label === label && r.database === database);
    return row ? `${ms(row.p50)} / ${ms(row.p95)}` : '–';
  };
  console.log(`| ${label} | ${cell('embedded')} | ${cell('postgres')} |`);
}

async function benchOn(kind: BenchDatabaseKind): Promise<void> {
  console.log(`\n=== database: ${describeDatabase(kind)} ===`);
  const bench = await startBenchDatabase({ kind, ownProcess: true });
  const databaseCpuMs = bench.database.cpuMs as () => number;
  // Streams like a hosted model (first token after TTFT_MS, then STREAM_TOKENS_PER_S): visitors
  // at a conversational pace read the whole answer before their pause.
  // In a process of its own, like a remote model: in this one, the 50 clients' work would delay
  // its timers and count as platform overhead.
  const standin = await spawnStandin({
    TTFT_MS: String(TTFT_MS),
    TOKEN_DELAY_MS: String(1000 / STREAM_TOKENS_PER_S),
    ANSWER_TOKENS: String(ANSWER_TOKENS),
  });
  const instant = await spawnStandin({ TTFT_MS: '0', TOKEN_DELAY_MS: '0', ANSWER_TOKENS: '8' });
  try {
    const owner = 'secret1benchowner';
    const botId = await createBenchBot(bench.db, owner);
    if (modelCorpus) {
      await bench.db.bot.update({ where: { id: botId }, data: { embedder: modelCorpus.indexId } });
      await seedCorpus(bench.db, botId, modelCorpus.pages, modelCorpus.vectors);
      const chunks = await bench.db.chunk.count({ where: { botId } });
      console.log(`bot of ${chunks} chunks of python3-doc, embedder ${modelCorpus.indexId}`);
    } else {
      console.log(`seeding ${CHUNKS} chunks...`);
      await seedChunks(bench.db, botId, CHUNKS, () => {});
    }

    // The stand-in's own time to first token, measured the same way (streamed, first content).
    const directTtft: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      const response = await nativeFetch(`${standin.url}/chat/completions`, {
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
    // Warm-up, so the first measured phase does not pay for V8 compiling the api's hot path: 50
    // chats, 10 at a time.
    for (let round = 0; round < 5; round++)
      await Promise.all(Array.from({ length: 10 }, (_, i) => chatOnce(api.url, botId, round * 10 + i)));
    console.log(
      `\nplatform overhead to first token (api TTFT − stand-in TTFT p50), bot with ${await bench.db.chunk.count({ where: { botId } })} chunks${modelCorpus ? ` on ${modelCorpus.indexId}, every question new` : ''}:`,
    );
    const overhead = (
      label: string,
      results: ChatTiming[],
      cpu: { api: number; database: number; own: number },
      tableLabel?: string,
      turns: TurnTimings[] = [],
    ) => {
      const ttft = results.map((r) => r.ttft);
      const p50 = percentile(ttft, 50) - llmP50;
      const p95 = percentile(ttft, 95) - llmP50;
      if (tableLabel) table.push({ database: kind, label: tableLabel, p50, p95 });
      console.log(
        `  [${kind}] ${label}, ${results.length} chats: TTFT p50 ${ms(percentile(ttft, 50))} p95 ${ms(percentile(ttft, 95))} → overhead p50 ${ms(p50)}, p95 ${ms(p95)}`,
      );
      if (turns.length > 0) {
        const part = (f: (t: TurnTimings) => number) => {
          const values = turns.map(f);
          return `p50 ${ms(percentile(values, 50))} p95 ${ms(percentile(values, 95))}`;
        };
        console.log(
          `      where the time goes (api's own timings): admission ${part((t) => t.admit)}; retrieval ${part((t) => t.retrieve)}; prompt + model to first token ${part((t) => t.firstToken - t.admit - t.retrieve)}`,
        );
      }
      // Independent of other load on the machine: CPU spent per chat by each process.
      console.log(
        `      CPU per chat: api ${ms(cpu.api / results.length)}, database ${ms(cpu.database / results.length)}, clients ${ms(cpu.own / results.length)}`,
      );
    };
    const measureCpu = async <T>(work: () => Promise<T>) => {
      const apiCpu = api.cpuMs();
      const databaseCpu = databaseCpuMs();
      const ownCpu = process.cpuUsage();
      const value = await work();
      const own = process.cpuUsage(ownCpu);
      return {
        value,
        cpu: {
          api: api.cpuMs() - apiCpu,
          database: databaseCpuMs() - databaseCpu,
          own: (own.user + own.system) / 1000,
        },
      };
    };
    {
      api.turns.length = 0;
      const { value, cpu } = await measureCpu(() =>
        run(1, Math.min(REQUESTS, 60), (i) => chatOnce(api.url, botId, i, undefined, undefined, ON_MODEL)),
      );
      overhead(' 1 visitor', value.results, cpu, '1', api.turns.splice(0));
    }
    for (const visitors of VISITORS) {
      api.turns.length = 0;
      const { value, cpu } = await measureCpu(() =>
        visitorsAtPace(api.url, botId, visitors, THINK_MS, VISITOR_SECONDS, { freshQuestions: ON_MODEL }),
      );
      overhead(
        `${visitors} concurrent visitors (pause ${THINK_MS / 1000} s on average after each ${ANSWER_TOKENS}-token answer: ${(value.results.length / value.seconds).toFixed(1)} chats/s offered)`,
        value.results,
        cpu,
        String(visitors),
        api.turns.splice(0),
      );
    }
    if (CAPACITY) {
      const { value, cpu } = await measureCpu(() => run(50, REQUESTS, (i) => chatOnce(api.url, botId, i)));
      overhead(
        `50 requests in flight, no pause (capacity: ${(value.results.length / value.seconds).toFixed(1)} chats/s)`,
        value.results,
        cpu,
      );
    }
    console.log(`  [${kind}] peak RSS of the api process: ${api.peakRssMb().toFixed(0)} MB`);
    await api.stop();

    const fast = await startApi({
      DATABASE_URL: bench.database.url,
      LLM_BASE_URL: instant.url,
      BENCH_OWNER: owner,
    });
    for (let i = 0; i < 10; i++) await chatOnce(fast.url, botId, i);
    const { results, seconds } = await run(16, REQUESTS, (i) => chatOnce(fast.url, botId, i));
    console.log(
      `\n[${kind}] with an instantly answering LLM: ${(results.length / seconds).toFixed(1)} chats/s (16 concurrent, ${results.length} chats, p50 ${ms(
        percentile(
          results.map((r) => r.total),
          50,
        ),
      )} per chat)`,
    );
    console.log(`  [${kind}] peak RSS of the api process: ${fast.peakRssMb().toFixed(0)} MB`);
    await fast.stop();
  } finally {
    await standin.stop();
    await instant.stop();
    await bench.close();
  }
}
