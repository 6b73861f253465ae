/**
 * The whole retrieval route, `POST /v1/orgs/:orgId/bots/:botId/retrieval`, as a caller meets
 * it: the api in a process of its own (api-bench-server.ts) on the default sentence model, a
 * bot whose knowledge is the Python documentation of retrieval-quality.ts (10,376 chunks,
 * embedded by the model; vectors cached across runs), and this process calling the route over
 * HTTP, one request after another, signed in as a user would (ADR-36 session) and with an org
 * API key. On each database of DATABASES (default `embedded,postgres`), side by side:
 *  - p50/p95 at the client, per kind of auth;
 *  - where the time goes, from the api's own `route timings` (debug log): auth, the org's
 *    mirror, bot and role check (`access`; before it was one statement: `org` and `bot`), the
 *    question's embedding (what was left to wait of it after the check), the SQL statement,
 *    result shaping, JSON; "outside" is what the client saw beyond them (HTTP, parsing);
 *  - CPU per request of the api process (all its threads, the model's included) and of the
 *    database: figures the load of a shared machine does not change, where latency does.
 *
 * Every request asks a question the model has not embedded yet: the labelled questions, each
 * time with the case of one more letter flipped. The model lower-cases its input and so does
 * full-text search, so the work is that of the question itself, but the api's cache of recent
 * question vectors (keyed by exact text) never answers it.
 *
 *   npx tsx scripts/bench/api-retrieval-route.ts      (env: DATABASES=embedded,postgres REQUESTS=200)
 *
 * Goal (issue 16): route p50 ≤ 15 ms at the client, auth and query embedding included.
 */
import { cpus, loadavg } from 'node:os';
import { createTestWallet, type TestWallet } from '@privexbot/api/testing/test-wallet';
import { nativeFetch } from '@privexbot/schema/fetch';
import {
  type BenchDatabaseKind,
  benchDatabaseKinds,
  createBenchBot,
  describeDatabase,
  ms,
  percentile,
  processTreeCpuMs,
  startBenchDatabase,
} from './api-bench-support.js';
import { BENCH_PUBLIC_URL, spawnService } from './chat-load.js';
import { loadModelCorpus } from './retrieval-quality/embedded-corpus.js';
import questionsJson from './retrieval-quality/questions.json' with { type: 'json' };
import type { Question } from './retrieval-quality/score-questions.js';
import { seedCorpus } from './retrieval-quality/seed-corpus.js';

const REQUESTS = Number(process.env.REQUESTS ?? 200);
const WARM_UP = 30;
/** The route's phases in order; a version of the api logs those it has (`org` + `bot` became `access`). */
const PHASES = ['auth', 'org', 'bot', 'access', 'embed', 'sql', 'shape', 'json'] as const;
const questions = (questionsJson as Question[]).map((q) => q.question);

/** The n-th distinct wording of the labelled questions: one more letter's case flipped each round. */
function questionNumber(n: number): string {
  const text = questions[n % questions.length] as string;
  const round = Math.floor(n / questions.length);
  const letters = [...text].map((c, i) => ({ c, i })).filter(({ c }) => /[a-z]/i.test(c));
  const chars = [...text];
  for (const { c, i } of letters.slice(0, round % (letters.length + 1)))
    chars[i] = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
  return chars.join('');
}

interface RouteTimings {
  requestId: string;
  ms: Record<string, number>;
}

interface Row {
  database: BenchDatabaseKind;
  auth: string;
  p50: number;
  p95: number;
  phases: string;
  cpu: string;
}
const table: Row[] = [];
const started = performance.now();

const { indexId, pages, vectors } = await loadModelCorpus();

for (const kind of benchDatabaseKinds()) await benchOn(kind);

console.log('\nretrieval route at the client, side by side (p50 / p95; phases: the api’s own p50s):');
console.log('| database | auth | route p50 / p95 | phases p50 | CPU per request |');
console.log('|---|---|---|---|---|');
for (const row of table)
  console.log(
    `| ${row.database} | ${row.auth} | ${ms(row.p50)} / ${ms(row.p95)} | ${row.phases} | ${row.cpu} |`,
  );
console.log(
  `\n${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end, ${((performance.now() - started) / 1000).toFixed(0)} s`,
);

async function benchOn(kind: BenchDatabaseKind): Promise<void> {
  console.log(`\n=== database: ${describeDatabase(kind)} ===`);
  const bench = await startBenchDatabase({ kind, ownProcess: true });
  const wallet = await createTestWallet();
  const timings = new Map<string, RouteTimings>();
  let api: Awaited<ReturnType<typeof spawnService>> | undefined;
  try {
    const botId = await createBenchBot(bench.db, wallet.address);
    await bench.db.bot.update({ where: { id: botId }, data: { embedder: indexId } });
    await seedCorpus(bench.db, botId, pages, vectors);
    const chunks = await bench.db.chunk.count({ where: { botId } });
    console.log(`bot of ${chunks} chunks (${pages.length} pages), embedder ${indexId}`);
    api = await spawnService({
      script: './api-bench-server.ts',
      env: {
        DATABASE_URL: bench.database.url,
        BENCH_OWNER: wallet.address,
        PUBLIC_URL: BENCH_PUBLIC_URL,
        LOG_LEVEL: 'debug',
        ...(process.env.PRIVEXBOT_CACHE ? { PRIVEXBOT_CACHE: process.env.PRIVEXBOT_CACHE } : {}),
      },
      onStderrLine: (line) => {
        if (line.includes('"level":50') || line.includes('"level":40')) process.stderr.write(`${line}\n`);
        if (!line.includes('route timings') || !line.includes('/retrieval')) return;
        const entry = JSON.parse(line) as RouteTimings;
        timings.set(entry.requestId, entry);
      },
      urlOf: (line) => {
        const port = (JSON.parse(line) as { port?: number }).port;
        return port ? `http://127.0.0.1:${port}` : undefined;
      },
    });
    const url = api.url;
    const session = await signIn(url, wallet);
    const apiKey = await createKey(url, session);
    const route = `${url}/v1/orgs/1/bots/${botId}/retrieval`;
    let asked = 0;
    const ask = async (token: string) => {
      const requestId = `bench-${kind}-${asked}`;
      const body = JSON.stringify({ query: questionNumber(asked++), limit: 5 });
      const t0 = performance.now();
      const response = await nativeFetch(route, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-request-id': requestId,
        },
        body,
      });
      const answer = (await response.json()) as { passages?: unknown[] };
      const elapsed = performance.now() - t0;
      if (response.status !== 200 || !answer.passages?.length)
        throw new Error(`retrieval answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
      return { requestId, elapsed };
    };
    for (let i = 0; i < WARM_UP; i++) await ask(i % 2 ? apiKey : session);
    for (const [label, token] of [
      ['session', session],
      ['API key', apiKey],
    ] as const) {
      const results: { requestId: string; elapsed: number }[] = [];
      const apiPid = api.pid;
      const cpuBefore = { api: processTreeCpuMs(apiPid), database: bench.database.cpuMs?.() ?? 0 };
      for (let i = 0; i < REQUESTS; i++) results.push(await ask(token));
      // CPU per request (all threads, the model's included): what the load of the machine does not change.
      const cpu = {
        api: (processTreeCpuMs(apiPid) - cpuBefore.api) / REQUESTS,
        database: ((bench.database.cpuMs?.() ?? 0) - cpuBefore.database) / REQUESTS,
      };
      // The debug line is written after the response; give the last ones time to arrive.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const elapsed = results.map((r) => r.elapsed);
      const seen = results.map((r) => timings.get(r.requestId)).filter((t): t is RouteTimings => !!t);
      const phaseP50 = (phase: string) =>
        percentile(
          seen.map((t) => t.ms[phase] ?? 0),
          50,
        );
      const outside = percentile(
        results
          .map((r) => {
            const t = timings.get(r.requestId);
            return t ? r.elapsed - PHASES.reduce((sum, p) => sum + (t.ms[p] ?? 0), 0) : Number.NaN;
          })
          .filter((v) => !Number.isNaN(v)),
        50,
      );
      const logged = PHASES.filter((p) => seen.some((t) => p in t.ms));
      const phases = `${logged.map((p) => `${p} ${phaseP50(p).toFixed(1)}`).join(', ')}, outside ${outside.toFixed(1)} ms`;
      table.push({
        database: kind,
        auth: label,
        p50: percentile(elapsed, 50),
        p95: percentile(elapsed, 95),
        phases,
        cpu: `api ${cpu.api.toFixed(1)}, database ${cpu.database.toFixed(1)} ms`,
      });
      console.log(
        `  [${kind}] ${label}, ${results.length} requests: p50 ${ms(percentile(elapsed, 50))}, p95 ${ms(percentile(elapsed, 95))}`,
      );
      console.log(
        `      where the time goes (api's own timings, p50 each, ${seen.length} requests): ${phases}`,
      );
      console.log(
        `      CPU per request: api ${cpu.api.toFixed(1)} ms, database ${cpu.database.toFixed(1)} ms`,
      );
    }
  } finally {
    await api?.stop();
    await bench.close();
  }
}

async function signIn(url: string, wallet: TestWallet): Promise<string> {
  const challenge = (await (await nativeFetch(`${url}/auth/challenge?address=${wallet.address}`)).json()) as {
    message: string;
  };
  const signature = await wallet.signArbitrary(challenge.message);
  const verified = await nativeFetch(`${url}/auth/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      address: wallet.address,
      pubKey: wallet.pubKey,
      signature,
      message: challenge.message,
    }),
  });
  const body = (await verified.json()) as { accessToken?: string };
  if (verified.status !== 201 || !body.accessToken)
    throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
  return body.accessToken;
}

async function createKey(url: string, accessToken: string): Promise<string> {
  const created = await nativeFetch(`${url}/v1/orgs/1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'retrieval bench', scopes: ['bots:read'] }),
  });
  const body = (await created.json()) as { key?: string };
  if (created.status !== 201 || !body.key)
    throw new Error(`API key creation failed: ${JSON.stringify(body)}`);
  return body.key;
}
