/**
 * Ingestion while the api serves chat, through the api's real paths in their own processes
 * (the embedded database, the api of api-bench-server.ts, the stand-in LLM, and this one as
 * the clients): an org API key adds a pasted source of python3-doc text (the corpus of
 * retrieval-quality.ts, so chunks are of full size) (`POST …/sources`), the api's ingestion
 * worker embeds its chunks with the sentence model in the api's worker pool, and VISITORS
 * visitors chat at a conversational pace with a bot on the same model, each question new (so
 * each one is embedded, on the pool's question thread). Per setting, side by side in one run
 * (every pair of NICES, the chunk threads' EMBEDDING_INGEST_NICE, and WRITE_CHUNKS, the
 * api's INGEST_WRITE_CHUNKS; default nice 10 with writes of 256 chunks, as before, and of 4):
 *  - chat alone: platform overhead to first token p50/p95 (TTFT minus the stand-in's own);
 *  - chat while a source of SOURCE_CHUNKS chunks is embedded: the same overhead, and chunks/s;
 *    where the time of those chats went, from the api's own timing lines (admission, the
 *    question's embedding and ranking, the model's first token: p50/p95 each), and how long
 *    each ingestion write took from sent to done (queueing behind chat included; p50/max);
 *  - the same source alone: chunks/s.
 *
 *   npx tsx scripts/bench/ingest-under-chat.ts
 *     (env: NICES=10 WRITE_CHUNKS=256,4 HNSW=16:64,16:32 (the vector index's m:ef_construction;
 *      default as migrated) VISITORS=50 THINK_MS=5000 CHAT_SECONDS=30 SOURCE_CHUNKS=300
 *      CHAT_BOT_CHUNKS=2000 TTFT_MS=50 EMBEDDING_THREADS ROUNDS=1)
 *
 * Goals (issue 16): ≥ 100 chunks/s on 2 cores with the api serving chat; chat overhead p50 ≤ 25
 * ms, p95 ≤ 60 ms at 50 visitors (api-chat.ts).
 */
import { cpus, loadavg } from 'node:os';
import { createApiKey } from '@privexbot/api/services/api-keys/create-api-key';
import { nativeFetch } from '@privexbot/schema/fetch';
import { DEFAULT_SENTENCE_MODEL } from '@privexbot/schema/sentence-model';
import {
  createBenchBot,
  type HnswBuild,
  hnswIndexDefinition,
  ms,
  percentile,
  seedChunks,
  startBenchDatabase,
} from './api-bench-support.js';
import { type ChatTiming, chatOnce, spawnService, visitorsAtPace } from './chat-load.js';
import { buildCorpus } from './retrieval-quality/build-corpus.js';

const NICES = (process.env.NICES ?? '10').split(',').map(Number);
const WRITE_CHUNKS = (process.env.WRITE_CHUNKS ?? '256,4').split(',').map(Number);
/** HNSW=m:ef_construction,...: the vector index rebuilt with these build parameters per setting (default: as migrated). */
const HNSW: (HnswBuild | undefined)[] = process.env.HNSW
  ? process.env.HNSW.split(',').map((spec) => {
      const [m, efConstruction] = spec.split(':').map(Number);
      if (!m || !efConstruction) throw new Error(`HNSW wants m:ef_construction, got ${spec}`);
      return { m, efConstruction };
    })
  : [undefined];
const SETTINGS = NICES.flatMap((nice) =>
  WRITE_CHUNKS.flatMap((writeChunks) => HNSW.map((hnsw) => ({ nice, writeChunks, hnsw }))),
);
const VISITORS = Number(process.env.VISITORS ?? 50);
const THINK_MS = Number(process.env.THINK_MS ?? 5000);
const CHAT_SECONDS = Number(process.env.CHAT_SECONDS ?? 30);
const SOURCE_CHUNKS = Number(process.env.SOURCE_CHUNKS ?? 300);
const TTFT_MS = Number(process.env.TTFT_MS ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const CHAT_BOT_CHUNKS = Number(process.env.CHAT_BOT_CHUNKS ?? 2000);
const owner = 'secret1benchowner';

const bench = await startBenchDatabase({ kind: 'embedded', ownProcess: true });
const standin = await spawnService({
  script: '../../tests/support/llm-standin/main.ts',
  env: { PORT: '0', TTFT_MS: String(TTFT_MS), TOKEN_DELAY_MS: '20', ANSWER_TOKENS: '40' },
  urlOf: (line) => /listening at (\S+)/.exec(line)?.[1],
});

/** The api's own timing line of one chat turn (answer-chat.ts), ms from the request's arrival. */
interface TurnPhases {
  admit: number;
  retrieve: number;
  firstToken: number;
}

interface Row {
  setting: string;
  alone: ChatTiming[];
  busy: ChatTiming[];
  busyPhases: TurnPhases[];
  writes: number[];
  chunksPerSecondWithChat: number;
  chunksPerSecondAlone: number;
}
const rows: Row[] = [];

try {
  const chatBot = await createBenchBot(bench.db, owner, '1', 'Chat bot');
  // Knowledge to search (vectors of word hashes: the model's question vector costs the same to rank).
  await seedChunks(bench.db, chatBot, CHAT_BOT_CHUNKS, () => {});
  const ingestBot = await createBenchBot(bench.db, owner, '1', 'Ingest bot');
  // Both on the sentence model: questions and chunks share the api's one pool.
  await bench.db.bot.updateMany({
    where: { id: { in: [chatBot, ingestBot] } },
    data: { embedder: DEFAULT_SENTENCE_MODEL.id },
  });
  const { key } = await createApiKey({
    db: bench.db,
    orgId: '1',
    principal: { kind: 'user', address: owner, sessionId: 'bench' },
    name: 'bench',
    scopes: ['knowledge:write', 'bots:read'],
    requestId: 'bench',
    now: new Date(),
  });
  const llmP50 = await standinTtftP50();
  let sourceNumber = 0;
  const documentation = (await buildCorpus()).map((page) => page.chunks.join('\n\n')).join('\n\n');
  let documentationUsed = 0;

  for (let round = 0; round < ROUNDS; round++) {
    for (const { nice, writeChunks, hnsw } of SETTINGS) {
      if (hnsw) {
        // Rebuilt while no api runs (a second client's statements would interleave with its own).
        const index = await hnswIndexDefinition(bench.db, hnsw);
        await bench.db.$executeRawUnsafe('DROP INDEX "Chunk_embedding_hnsw_idx"');
        await bench.db.$executeRawUnsafe(index);
      }
      // Timing lines of the api (debug level), read while the chats of interest run.
      let listening = false;
      const phases: TurnPhases[] = [];
      const writes: number[] = [];
      const api = await spawnService({
        script: './api-bench-server.ts',
        env: {
          DATABASE_URL: bench.database.url,
          LLM_BASE_URL: standin.url,
          BENCH_OWNER: owner,
          PUBLIC_URL: 'http://bench.privexbot.test',
          LOG_LEVEL: 'debug',
          EMBEDDING_INGEST_NICE: String(nice),
          INGEST_WRITE_CHUNKS: String(writeChunks),
          ...(process.env.EMBEDDING_THREADS ? { EMBEDDING_THREADS: process.env.EMBEDDING_THREADS } : {}),
          ...(process.env.PRIVEXBOT_CACHE ? { PRIVEXBOT_CACHE: process.env.PRIVEXBOT_CACHE } : {}),
        },
        urlOf: (line) => {
          const port = (JSON.parse(line) as { port?: number }).port;
          return port ? `http://127.0.0.1:${port}` : undefined;
        },
        onStderrLine: (line) => {
          const entry = line.startsWith('{')
            ? (JSON.parse(line) as { level?: number; msg?: string; ms?: TurnPhases | number })
            : undefined;
          if (!entry || (entry.level ?? 0) >= 40) console.error(line);
          else if (listening && entry.msg === 'chat turn timings') phases.push(entry.ms as TurnPhases);
          else if (listening && entry.msg === 'ingestion write') writes.push(entry.ms as number);
        },
      });
      try {
        // Warm-up: every pool thread loaded (a small source, fresh questions), V8's hot paths compiled.
        await ingest(api.url, 8);
        for (let i = 0; i < 20; i++) await chatOnce(api.url, chatBot, i, `warm-${i}`, undefined, true);
        const alone = await visitorsAtPace(api.url, chatBot, VISITORS, THINK_MS, CHAT_SECONDS, {
          freshQuestions: true,
        });
        listening = true;
        const ingesting = ingest(api.url, SOURCE_CHUNKS);
        const busy = await visitorsAtPace(api.url, chatBot, VISITORS, THINK_MS, 3600, {
          stop: ingesting,
          freshQuestions: true,
        });
        const withChat = await ingesting;
        listening = false;
        const solo = await ingest(api.url, SOURCE_CHUNKS);
        const row: Row = {
          setting: `nice +${nice}, writes of ${writeChunks}${hnsw ? `, HNSW m ${hnsw.m} ef_construction ${hnsw.efConstruction}` : ''}`,
          alone: alone.results,
          busy: busy.results,
          busyPhases: phases,
          writes,
          chunksPerSecondWithChat: withChat.chunks / withChat.seconds,
          chunksPerSecondAlone: solo.chunks / solo.seconds,
        };
        rows.push(row);
        console.log(
          `${row.setting}: chat alone ${overhead(row.alone)}; with ingestion ${overhead(row.busy)} (${phasesOf(phases)}; writes ${writesOf(writes)}), ${row.chunksPerSecondWithChat.toFixed(1)} chunks/s (${withChat.chunks} chunks); ingestion alone ${row.chunksPerSecondAlone.toFixed(1)} chunks/s; load average ${loadavg()[0]?.toFixed(1)}`,
        );
      } finally {
        await api.stop();
      }
    }
  }

  const [size] = await bench.db.$queryRaw<{ characters: number }[]>`
    SELECT avg(length(text))::float8 AS characters FROM "Chunk" WHERE "botId" = ${ingestBot}::uuid`;
  const chunkCharacters = size?.characters ?? 0;
  console.log(
    `\n${cpus().length} cores, ${VISITORS} visitors (pause ${THINK_MS / 1000} s on average, each question new), sources of ${SOURCE_CHUNKS} chunks of ${chunkCharacters.toFixed(0)} characters on average, load average ${loadavg()[0]?.toFixed(1)} at the end\n`,
  );
  console.log(
    '| setting | chat overhead p50 / p95, chat alone | chat overhead p50 / p95, while ingesting | api phases while ingesting, p50 / p95 | one write, sent to done, p50 / max | chunks/s with chat | chunks/s alone |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const setting of new Set(rows.map((r) => r.setting))) {
    const mine = rows.filter((r) => r.setting === setting);
    const mean = (f: (r: Row) => number) => (mine.reduce((a, r) => a + f(r), 0) / mine.length).toFixed(1);
    console.log(
      `| ${setting} | ${overhead(mine.flatMap((r) => r.alone))} | ${overhead(mine.flatMap((r) => r.busy))} | ${phasesOf(mine.flatMap((r) => r.busyPhases))} | ${writesOf(mine.flatMap((r) => r.writes))} | ${mean((r) => r.chunksPerSecondWithChat)} | ${mean((r) => r.chunksPerSecondAlone)} |`,
    );
  }

  function phasesOf(phases: TurnPhases[]): string {
    const of = (f: (p: TurnPhases) => number) => {
      const values = phases.map(f);
      return `${ms(percentile(values, 50))} / ${ms(percentile(values, 95))}`;
    };
    // Each phase on its own: admission; the question's embedding and ranking; the model's first token after it.
    return `admit ${of((p) => p.admit)}, retrieve ${of((p) => p.retrieve)}, model ${of((p) => p.firstToken - p.admit - p.retrieve)}`;
  }

  function writesOf(writes: number[]): string {
    return writes.length === 0
      ? 'none'
      : `${ms(percentile(writes, 50))} / ${ms(Math.max(...writes))} (${writes.length})`;
  }

  function overhead(results: ChatTiming[]): string {
    const ttft = results.map((r) => r.ttft);
    return `${ms(percentile(ttft, 50) - llmP50)} / ${ms(percentile(ttft, 95) - llmP50)} (${results.length} chats)`;
  }

  /**
   * Pastes a source of about `chunks` chunks of new text (numbered, so never a duplicate) and
   * waits until the api has embedded every chunk.
   */
  async function ingest(apiUrl: string, chunks: number): Promise<{ chunks: number; seconds: number }> {
    const n = sourceNumber++;
    // Real documentation, a new stretch per source (never a duplicate): chunks of full size.
    const text = documentation.slice(documentationUsed, documentationUsed + chunks * 850);
    documentationUsed += text.length;
    const started = performance.now();
    const response = await nativeFetch(`${apiUrl}/v1/orgs/1/bots/${ingestBot}/sources`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ type: 'text', name: `source ${n}`, text, citable: true }),
    });
    if (response.status !== 201)
      throw new Error(`adding a source answered ${response.status}: ${await response.text()}`);
    const { source } = (await response.json()) as { source: { id: string } };
    // Progress through the api's own route: a second client on the embedded database's one
    // session while the api runs would interleave its statements with the api's.
    for (;;) {
      const polled = await nativeFetch(`${apiUrl}/v1/orgs/1/bots/${ingestBot}/sources/${source.id}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const view = (await polled.json()) as {
        status: string;
        error?: string | null;
        progress?: { chunksTotal: number };
      };
      if (view.status === 'ready')
        return { chunks: view.progress?.chunksTotal ?? 0, seconds: (performance.now() - started) / 1000 };
      if (view.status === 'failed') throw new Error(`ingestion failed: ${view.error}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
} finally {
  await standin.stop();
  await bench.close();
}

/** The stand-in's own time to first token, measured the way chats measure it. */
async function standinTtftP50(): Promise<number> {
  const times: number[] = [];
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
    times.push(first);
  }
  return percentile(times, 50);
}
