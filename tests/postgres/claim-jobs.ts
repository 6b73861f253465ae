/**
 * One "api process" of the job-claiming tests: its own pool of 8 connections and the api's job
 * runner with `loops` slots, claiming with the queue's own claim until none is left. Prints
 * the ids it finished as one JSON line.
 *
 *   node --import tsx tests/postgres/claim-jobs.ts <database url> <loops> ingest
 *     ingestion jobs (claimIngestJob); a job counts as finished only if it is still ours (the
 *     same fence as runIngestJob)
 *   node --import tsx tests/postgres/claim-jobs.ts <database url> <loops> webhooks
 *     webhook deliveries, sent for real (DATA_ENCRYPTION_KEY must be the api's), up to two
 *     per org at once
 */

import { createPrismaClient } from '@privexbot/api/db/prisma';
import { JobRunner } from '@privexbot/api/jobs/job-runner';
import { claimIngestJob } from '@privexbot/api/services/knowledge/run-ingest-job';
import { FieldEncryption } from '@privexbot/api/services/leads/field-encryption';
import {
  type ClaimedDelivery,
  claimDueWebhookDeliveries,
  deliverWebhook,
} from '@privexbot/api/services/webhooks/deliver-webhooks';
import { pino } from 'pino';

const [databaseUrl, loopsArg, queue] = process.argv.slice(2);
if (!databaseUrl || !queue) throw new Error('usage: claim-jobs.ts <database url> <loops> ingest|webhooks');
const loops = Number(loopsArg ?? 8);
const db = createPrismaClient({ databaseUrl, maxConnections: 8 });
const log = pino({ level: 'warn' });
const finished: string[] = [];
const workerId = `worker-${process.pid}`;

if (queue === 'ingest') {
  const runner = new JobRunner<{ id: string }>(
    {
      name: 'ingest',
      concurrency: loops,
      perKey: loops,
      keyOf: () => 'ingest',
      async claim({ limit }) {
        const claimed = [];
        for (let i = 0; i < limit; i += 1) {
          const job = await claimIngestJob({ db, workerId, now: new Date(), staleAfterMs: 600_000 });
          if (!job) break;
          claimed.push(job);
        }
        return claimed;
      },
      async run(job) {
        const done = await db.$executeRaw`
          UPDATE "IngestJob" SET status = 'done', "lockedBy" = NULL, "chunksDone" = "chunksDone" + 1
          WHERE id = ${job.id}::uuid AND "lockedBy" = ${workerId}`;
        if (done === 1) finished.push(job.id);
      },
    },
    log,
  );
  runner.kick();
  await runner.idle();
} else {
  const encryption = new FieldEncryption(Buffer.from(process.env.DATA_ENCRYPTION_KEY ?? '', 'base64'));
  const settings = { timeoutMs: 5000, maxAttempts: 8, allowLoopback: true };
  const runner = new JobRunner<ClaimedDelivery>(
    {
      name: 'webhooks',
      concurrency: loops,
      perKey: 2,
      keyOf: (delivery) => delivery.orgId,
      claim: ({ limit, inFlight }) =>
        claimDueWebhookDeliveries({ db, now: new Date(), leaseMs: 35_000, limit, perOrg: 2, inFlight }),
      async run(delivery, signal) {
        await deliverWebhook({
          db,
          encryption,
          settings,
          deliveryId: delivery.id,
          clock: () => new Date(),
          log,
          signal,
        });
        finished.push(delivery.id);
      },
    },
    log,
  );
  runner.kick();
  await runner.idle();
}
await db.$disconnect();
console.log(JSON.stringify({ finished }));
