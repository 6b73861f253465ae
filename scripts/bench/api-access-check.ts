/**
 * The access check of a bot route, the two ways the api does it, alternated in one run on each
 * database of DATABASES (default `embedded,postgres`):
 *  - two Prisma queries (a third to tell 403 from 404 when refused): the org's mirror row
 *    (ensureFreshOrgMirror), then the bot with the caller's permission in the Prisma `where`
 *    (findAccessibleBot), as most bot routes still do;
 *  - one statement: the mirror row, the bot and the caller's role (readBotAccess, then the
 *    same freshness rule on the row already read), as the retrieval route does.
 * p50/p95 of each over ROUNDS calls, a signed-in owner, a fresh mirror (no chain call).
 *
 *   npx tsx scripts/bench/api-access-check.ts      (env: DATABASES=embedded,postgres ROUNDS=500)
 */
import { cpus, loadavg } from 'node:os';
import { InMemoryOrgDirectory } from '@privexbot/api/chain/in-memory-org-directory';
import { findAccessibleBot } from '@privexbot/api/services/bots/find-accessible-bot';
import { readBotAccess } from '@privexbot/api/services/bots/read-bot-access';
import { ensureFreshOrgMirror } from '@privexbot/api/services/orgs/ensure-fresh-org-mirror';
import { pino } from 'pino';
import {
  benchDatabaseKinds,
  createBenchBot,
  describeDatabase,
  ms,
  percentile,
  startBenchDatabase,
} from './api-bench-support.js';

const ROUNDS = Number(process.env.ROUNDS ?? 500);
const owner = 'secret1benchowner';
const principal = { kind: 'user', address: owner, sessionId: 'bench' } as const;
const log = pino({ level: 'silent' });

for (const kind of benchDatabaseKinds()) {
  const bench = await startBenchDatabase({ kind, ownProcess: true });
  try {
    const botId = await createBenchBot(bench.db, owner);
    await bench.db.org.update({ where: { id: '1' }, data: { billingContract: 'in-memory-billing' } });
    const orgDirectory = new InMemoryOrgDirectory();
    const common = { db: bench.db, orgDirectory, orgId: '1', maxAgeSeconds: 3600, log };
    const prismaQueries = async () => {
      await ensureFreshOrgMirror({ ...common, now: new Date() });
      await findAccessibleBot({ db: bench.db, orgId: '1', botId, principal, permission: 'bots:read' });
    };
    const oneStatement = async () => {
      const access = await readBotAccess({
        db: bench.db,
        orgId: '1',
        botId,
        principal,
        permission: 'bots:read',
      });
      await ensureFreshOrgMirror({ ...common, now: new Date(), mirror: access.mirror });
      if (!access.permitted || !access.bot) throw new Error('the owner was refused');
    };
    const times = { prismaQueries: [] as number[], oneStatement: [] as number[] };
    for (let i = 0; i < 50; i++) {
      await prismaQueries();
      await oneStatement();
    }
    for (let i = 0; i < ROUNDS; i++) {
      for (const [name, check] of [
        ['prismaQueries', prismaQueries],
        ['oneStatement', oneStatement],
      ] as const) {
        const started = performance.now();
        await check();
        times[name].push(performance.now() - started);
      }
    }
    const line = (values: number[]) => `p50 ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}`;
    console.log(`\n${describeDatabase(kind)}, ${ROUNDS} calls each, alternated:`);
    console.log(`  mirror row + findAccessibleBot (two Prisma queries): ${line(times.prismaQueries)}`);
    console.log(`  readBotAccess (one plain-SQL statement):             ${line(times.oneStatement)}`);
  } finally {
    await bench.close();
  }
}
console.log(`\n${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end`);
