/**
 * Memory of the database `npm start` runs, idle and under load, for the embedded database
 * with several settings and for the PostgreSQL server:
 *  - idle: migrated, nothing stored;
 *  - loaded: a bot of CHUNKS chunks seeded (inserts, HNSW and GIN builds), then QUERIES
 *    hybrid retrievals.
 * PGlite: resident memory (VmRSS) and its peak (VmHWM) of its one process. Server: the sum of
 * proportional set sizes (Pss, shared memory split between the processes that map it) of the
 * postmaster and its backends, the fair total for a many-process server.
 *
 *   npx tsx scripts/bench/api-database-memory.ts      (env: CHUNKS=10000 QUERIES=200 DATABASES=embedded,postgres)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { applyMigrations } from '@privexbot/api/db/apply-migrations';
import { createPrismaClient } from '@privexbot/api/db/prisma';
import { LocalHashEmbedder } from '@privexbot/api/services/embeddings/local-hash-embedder';
import { retrievePassages } from '@privexbot/api/services/retrieval/retrieve-passages';
import { spawnEmbeddedDatabase } from '../db/spawn-embedded-database.js';
import {
  benchDatabaseKinds,
  createBenchBot,
  labelledCorpus,
  seedChunks,
  startBenchDatabase,
} from './api-bench-support.js';

const CHUNKS = Number(process.env.CHUNKS ?? 10_000);
const QUERIES = Number(process.env.QUERIES ?? 200);

const variants: { label: string; sharedBuffers?: string; workMem?: string }[] = [
  { label: 'PGlite, shared_buffers 512MB (the default until now)', sharedBuffers: '512MB' },
  { label: 'PGlite, shared_buffers 128MB (PostgreSQL default)', sharedBuffers: '128MB' },
  { label: 'PGlite, shared_buffers 64MB, work_mem 2MB', sharedBuffers: '64MB', workMem: '2MB' },
];

function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))?.[1];
  return Number(kb ?? 0) / 1024;
}

/** Sum of Pss of a process and its children (MB). */
function treePssMb(pid: number): number {
  let kb = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || !existsSync(`/proc/${entry}/stat`)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      if (Number(entry) !== pid && ppid !== pid) continue;
      kb += Number(readFileSync(`/proc/${entry}/smaps_rollup`, 'utf8').match(/Pss:\s+(\d+)/)?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return kb / 1024;
}

async function load(url: string): Promise<void> {
  const db = createPrismaClient({ databaseUrl: url, maxConnections: 1 });
  try {
    const botId = await createBenchBot(db, 'secret1benchowner');
    await seedChunks(db, botId, CHUNKS, () => {});
    const embedder = new LocalHashEmbedder();
    for (let i = 0; i < QUERIES; i++)
      await retrievePassages({
        db,
        botId,
        slot: 0, // the seeded vectors are in slot 0, a new bot's live slot
        embedder,
        query: labelledCorpus.questions[i % labelledCorpus.questions.length]?.question ?? '',
        limit: 5,
      });
  } finally {
    await db.$disconnect();
  }
}

const mb = (value: number) => `${value.toFixed(0)} MB`;
const rows: string[] = [];
const kinds = benchDatabaseKinds();
if (kinds.includes('embedded'))
  for (const variant of variants) {
    const database = await spawnEmbeddedDatabase({
      port: 0,
      ...(variant.sharedBuffers ? { sharedBuffers: variant.sharedBuffers } : {}),
      ...(variant.workMem ? { workMem: variant.workMem } : {}),
    });
    try {
      await applyMigrations({ databaseUrl: database.url });
      const idle = statusMb(database.pid, 'VmRSS');
      await load(database.url);
      rows.push(
        `| ${variant.label} | ${mb(idle)} | ${mb(statusMb(database.pid, 'VmRSS'))} | ${mb(statusMb(database.pid, 'VmHWM'))} |`,
      );
      console.log(rows.at(-1));
    } finally {
      await database.close();
    }
  }
if (kinds.includes('postgres')) {
  const bench = await startBenchDatabase({ kind: 'postgres' });
  try {
    const pid = bench.database.pid as number;
    const idle = treePssMb(pid);
    await load(bench.database.url);
    rows.push(
      `| PostgreSQL 18 server, shared_buffers 512MB (sum of Pss) | ${mb(idle)} | ${mb(treePssMb(pid))} | – |`,
    );
    console.log(rows.at(-1));
  } finally {
    await bench.close();
  }
}
console.log(`\ndatabase memory, idle and after ${CHUNKS} chunks seeded and ${QUERIES} retrievals:`);
console.log('| database | idle | loaded | peak |\n|---|---|---|---|');
for (const row of rows) console.log(row);
