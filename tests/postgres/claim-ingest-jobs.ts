/**
 * One "api process" of the job-claiming test: its own pool of 8 connections and `loops`
 * workers claiming ingestion jobs with the api's claimIngestJob until none is left. A claimed
 * job is finished only if it is still ours (the same fence as runIngestJob). Prints the ids it
 * finished as one JSON line.
 *
 *   node --import tsx tests/postgres/claim-ingest-jobs.ts <database url> <loops>
 */
import { createPrismaClient } from '../../api/src/db/prisma.js';
import { claimIngestJob } from '../../api/src/services/knowledge/run-ingest-job.js';

const [databaseUrl, loopsArg] = process.argv.slice(2);
if (!databaseUrl) throw new Error('usage: claim-ingest-jobs.ts <database url> <loops>');
const db = createPrismaClient({ databaseUrl, maxConnections: 8 });
const finished: string[] = [];
await Promise.all(
  Array.from({ length: Number(loopsArg ?? 8) }, async (_, i) => {
    const workerId = `worker-${process.pid}-${i}`;
    for (;;) {
      const job = await claimIngestJob({ db, workerId, now: new Date(), staleAfterMs: 600_000 });
      if (!job) return;
      const done = await db.$executeRaw`
        UPDATE "IngestJob" SET status = 'done', "lockedBy" = NULL, "chunksDone" = "chunksDone" + 1
        WHERE id = ${job.id}::uuid AND "lockedBy" = ${workerId}`;
      if (done === 1) finished.push(job.id);
    }
  }),
);
await db.$disconnect();
console.log(JSON.stringify({ finished }));
