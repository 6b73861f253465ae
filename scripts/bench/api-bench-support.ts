/**
 * Shared by the api benchmarks: a migrated database (PGlite served over the wire protocol, or
 * a PostgreSQL server), and bulk seeding of a bot's knowledge (synthetic chunks embedded with
 * the local embedder).
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '@privexbot/api/db/apply-migrations';
import { createPrismaClient, type Database } from '@privexbot/api/db/prisma';
import { toVectorSql } from '@privexbot/api/services/embeddings/embedder';
import { embedOne } from '@privexbot/api/services/embeddings/local-hash-embedder';
import { chunkText } from '@privexbot/api/services/knowledge/chunk-text';
import { startTestDatabase, type TestDatabase } from '@privexbot/api/testing/start-test-database';
import { spawnEmbeddedDatabase } from '../db/spawn-embedded-database.js';
import { startEmbeddedDatabase } from '../db/start-embedded-database.js';
import { startPostgresServer } from '../db/start-postgres-server.js';

/** The databases a benchmark runs on, side by side: DATABASES=embedded,postgres (the default). */
export type BenchDatabaseKind = 'embedded' | 'postgres';

export function benchDatabaseKinds(): BenchDatabaseKind[] {
  const kinds = (process.env.DATABASES ?? 'embedded,postgres').split(',').map((k) => k.trim());
  for (const kind of kinds)
    if (kind !== 'embedded' && kind !== 'postgres')
      throw new Error(`DATABASES takes embedded and/or postgres, not "${kind}"`);
  return kinds as BenchDatabaseKind[];
}

export function describeDatabase(kind: BenchDatabaseKind): string {
  return kind === 'embedded'
    ? 'embedded PGlite 0.5 (PostgreSQL 18, one session) in its own process'
    : 'PostgreSQL 18.4 server (pgvector 0.8.5, shared_buffers 512MB)';
}

export interface BenchDatabase {
  kind: BenchDatabaseKind;
  /** `pid` when the database runs in a process (or processes) of its own. */
  database: Pick<TestDatabase, 'url' | 'close'> & { pid?: number; cpuMs?: () => number };
  /** One connection: pglite-socket cannot multiplex concurrent extended-protocol queries. */
  db: Database;
  close(): Promise<void>;
}

/**
 * A migrated database for one benchmark run: in memory, or kept in `dataDir` so a large seeded
 * corpus (100k chunks take many minutes to seed and index) serves several runs. A kept
 * directory gets any newer migrations applied when reopened.
 */
export async function startBenchDatabase(
  options: {
    kind?: BenchDatabaseKind;
    dataDir?: string;
    /**
     * Serve it from a process of its own, as `npm start` does: PGlite runs each statement
     * synchronously on its host's event loop, which would otherwise stall this process's
     * clients and stand-in LLM while it works.
     */
    ownProcess?: boolean;
  } = {},
): Promise<BenchDatabase> {
  const kind = options.kind ?? 'embedded';
  const database =
    kind === 'postgres'
      ? await startBenchServer(options.dataDir)
      : options.ownProcess
        ? await spawnMigratedDatabase(options.dataDir)
        : options.dataDir
          ? await openKeptDatabase(options.dataDir)
          : await startTestDatabase({ embedded: true });
  const db = createPrismaClient({ databaseUrl: database.url, maxConnections: 1 });
  return {
    kind,
    database,
    db,
    async close() {
      await db.$disconnect();
      await database.close();
    },
  };
}

async function spawnMigratedDatabase(
  dataDir?: string,
): Promise<Pick<TestDatabase, 'url' | 'close'> & { pid: number; cpuMs: () => number }> {
  const spawned = await spawnEmbeddedDatabase({ port: 0, ...(dataDir ? { dataDir } : {}) });
  await applyMigrations({ databaseUrl: spawned.url });
  return { ...spawned, cpuMs: () => processTreeCpuMs(spawned.pid) };
}

/**
 * A PostgreSQL server for one run (a temp cluster), or kept in `<dataDir>.postgres` like a
 * kept PGlite directory. Production settings but for shared_buffers, which matches PGlite's.
 */
async function startBenchServer(
  dataDir?: string,
): Promise<Pick<TestDatabase, 'url' | 'close'> & { pid: number; cpuMs: () => number }> {
  const temp = dataDir ? undefined : mkdtempSync(join(tmpdir(), 'privexbot-bench-pg-'));
  // The server's own user (when this runs as root) must reach the cluster inside it.
  if (temp) chmodSync(temp, 0o755);
  const server = await startPostgresServer({
    dataDir: temp ? join(temp, 'cluster') : `${dataDir}.postgres`,
    port: 0,
    settings: { shared_buffers: '512MB' },
  });
  const admin = createPrismaClient({ databaseUrl: server.url, maxConnections: 1 });
  const exists = await admin.$queryRaw<
    unknown[]
  >`SELECT 1 FROM pg_database WHERE datname = 'privexbot_bench'`;
  if (exists.length === 0) await admin.$executeRawUnsafe('CREATE DATABASE privexbot_bench');
  await admin.$disconnect();
  const url = server.urlOf('privexbot_bench');
  await applyMigrations({ databaseUrl: url });
  return {
    url,
    pid: server.pid(),
    // Every backend is a child process of the postmaster: their CPU counts too.
    cpuMs: () => processTreeCpuMs(server.pid()),
    async close() {
      await server.stop();
      if (temp) rmSync(temp, { recursive: true, force: true });
    },
  };
}

/** CPU time (user + system, ms) of a process and its children, live or exited, from /proc. */
export function processTreeCpuMs(pid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const file = `/proc/${entry}/stat`;
    if (!existsSync(file)) continue;
    let fields: string[];
    try {
      fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
    } catch {
      continue; // exited meanwhile
    }
    // fields[1] is the parent pid; [11], [12] utime and stime, [13], [14] those of its exited
    // children (a server's backends that ended), in ticks of 10 ms.
    if (Number(entry) === pid)
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
    else if (Number(fields[1]) === pid) total += (Number(fields[11]) + Number(fields[12])) * 10;
  }
  return total;
}

async function openKeptDatabase(dataDir: string): Promise<Pick<TestDatabase, 'url' | 'close'>> {
  const embedded = await startEmbeddedDatabase({ dataDir, port: 0 });
  await applyMigrations({ databaseUrl: embedded.url });
  return embedded;
}

export const labelledCorpus = JSON.parse(
  readFileSync(new URL('../../api/test-fixtures/knowledge/retrieval-corpus.json', import.meta.url), 'utf8'),
) as {
  documents: { id: string; text: string }[];
  questions: { question: string; document: string }[];
};

/**
 * Noise words: knowledge of other topics (as another company's documents would be), with a
 * sprinkling of the labelled corpus's own words so the noise is not trivially separable.
 */
const otherTopics =
  'garden tomato compost soil seed harvest irrigation greenhouse pruning orchard recipe oven flour butter sugar dough baking pastry chocolate vanilla guitar chord melody rhythm drummer concert festival ticket stage lyrics hiking trail summit glacier canyon tent backpack compass altitude weather telescope planet orbit comet galaxy nebula crater lunar eclipse astronomy museum painting sculpture gallery canvas portrait exhibition curator chess opening gambit endgame bishop knight castle tournament rating football striker goal referee league season transfer stadium coach yoga breathing posture meditation stretch balance wellness sleep vitamin protein railway locomotive carriage timetable platform signal junction freight commuter aquarium coral reef turtle dolphin plankton tide lagoon shell knitting yarn needle stitch pattern wool sweater scarf pottery clay kiln glaze wheel vase'.split(
    ' ',
  );
const corpusWords = [
  ...new Set(labelledCorpus.documents.flatMap((d) => d.text.toLowerCase().match(/[a-z]{4,}/g) ?? [])),
];

/** A deterministic pseudo-random generator, so every run seeds the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Creates org 1 (owned by `owner`) and a bot, returning the bot id. */
export async function createBenchBot(
  db: Database,
  owner: string,
  orgId = '1',
  name = 'Bench bot',
): Promise<string> {
  await db.org.upsert({
    where: { id: orgId },
    create: { id: orgId, name: 'Bench org', owner, syncedAt: new Date() },
    update: {},
  });
  await db.member.upsert({
    where: { orgId_address: { orgId, address: owner } },
    create: { orgId, address: owner, role: 'owner' },
    update: {},
  });
  const bot = await db.bot.create({
    data: {
      orgId,
      name,
      model: 'bench-model',
      embedder: 'local-hash-384',
      createdBy: owner,
      published: true,
      publishedAt: new Date(),
      allowedOrigins: [],
      visitorRateLimitPerMin: 100_000,
      botRateLimitPerMin: 1_000_000,
      visitorDailyTokenCap: 10_000_000,
    },
  });
  return bot.id;
}

/** HNSW build parameters (pgvector's `WITH (m, ef_construction)`), for benches that compare them. */
export interface HnswBuild {
  m: number;
  efConstruction: number;
}

/**
 * The vector index as the migrations define it (pg_indexes), so a bench rebuilds exactly what
 * the product builds; `build` replaces its WITH clause.
 */
export async function hnswIndexDefinition(db: Database, build?: HnswBuild): Promise<string> {
  const [row] = await db.$queryRaw<{ indexdef: string }[]>`
    SELECT indexdef FROM pg_indexes WHERE indexname = 'Chunk_embedding_hnsw_idx'`;
  if (!row) throw new Error('the migrations made no Chunk_embedding_hnsw_idx');
  if (!build) return row.indexdef;
  return `${row.indexdef.replace(/\s+WITH \(.*\)$/, '')} WITH (m = ${build.m}, ef_construction = ${build.efConstruction})`;
}

/**
 * Adds `count` synthetic chunks (plus the labelled corpus, so recall can be measured at
 * scale) to a bot, embedded, in batches. Returns the seconds it took.
 */
export async function seedChunks(
  db: Database,
  botId: string,
  count: number,
  log = (line: string) => console.log(line),
  /** false: leave the indexes dropped (another seedChunks call follows and rebuilds them). */
  buildIndexes = true,
): Promise<number> {
  const started = performance.now();
  // Building the HNSW and GIN indexes once over all rows is far faster than maintaining
  // them row by row; the vector index is rebuilt as the migrations define it.
  const hnswIndex = await hnswIndexDefinition(db);
  await db.$executeRawUnsafe('DROP INDEX IF EXISTS "Chunk_embedding_hnsw_idx"');
  await db.$executeRawUnsafe('DROP INDEX IF EXISTS "Chunk_botId_tsv_idx"');
  const next = random(42);
  const insertSource = async (name: string, texts: string[]) => {
    const source = await db.source.create({
      data: {
        botId,
        type: 'text',
        name,
        contentHash: randomUUID(),
        status: 'ready',
        bytes: texts.join('').length,
      },
    });
    // One multi-row INSERT per 2000 chunks (arrays unnested server-side).
    for (let offset = 0; offset < texts.length; offset += 2000) {
      const batch = texts.slice(offset, offset + 2000);
      const ids = batch.map(() => randomUUID());
      await db.$executeRaw`
        INSERT INTO "Chunk" (id, "botId", "sourceId", ordinal, text, citable, "contentHash", embedding)
        SELECT u.id, ${botId}::uuid, ${source.id}::uuid, u.ordinal, u.text, true, md5(u.text), u.e::vector
        FROM unnest(${ids}::uuid[], ${batch.map((_, i) => offset + i)}::int[], ${batch}::text[], ${batch.map((t) => toVectorSql(embedOne(t)))}::text[]) AS u(id, ordinal, text, e)`;
    }
  };
  const perSource = 2000;
  for (let made = 0; made < count; made += perSource) {
    const texts = Array.from({ length: Math.min(perSource, count - made) }, () => {
      const words = Array.from({ length: 60 + Math.floor(next() * 80) }, () =>
        next() < 0.1
          ? corpusWords[Math.floor(next() * corpusWords.length)]
          : otherTopics[Math.floor(next() * otherTopics.length)],
      );
      return `${words.join(' ')}.`;
    });
    await insertSource(`synthetic-${made / perSource}`, texts);
    log(`  seeded ${Math.min(made + perSource, count)} / ${count} chunks`);
  }
  // The labelled documents last, as a document added to a large bot's knowledge would be: the
  // newest rows come last in the table, and retrieval must not depend on where a row sits.
  for (const document of labelledCorpus.documents)
    await insertSource(
      document.id,
      chunkText(document.text).map((c) => c.text),
    );
  if (!buildIndexes) return (performance.now() - started) / 1000;
  // An HNSW graph built in memory is far faster than one spilled to disk.
  await db.$executeRawUnsafe("SET maintenance_work_mem = '512MB'");
  await db.$executeRawUnsafe(hnswIndex);
  await db.$executeRawUnsafe('CREATE INDEX "Chunk_botId_tsv_idx" ON "Chunk" USING GIN ("botId", "tsv")');
  // What the ingestion worker does after a job (PGlite has no autovacuum to do it).
  await db.$executeRawUnsafe('ANALYZE "Chunk"');
  return (performance.now() - started) / 1000;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
