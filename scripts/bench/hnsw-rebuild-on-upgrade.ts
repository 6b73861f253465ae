/**
 * What the HNSW build-parameter migration (20261207220000_hnsw_build_parameters, which rebuilds
 * both vector indexes) costs an existing install at start: the embedded database in its own
 * process with a bot of CHUNKS chunks (word-hash vectors: the build's cost depends on the
 * count and the dimensions, not on the embedder), then the migration's SQL in one transaction,
 * as apply-migrations.ts runs it, at the database's default maintenance_work_mem.
 *
 *   npx tsx scripts/bench/hnsw-rebuild-on-upgrade.ts   (env: CHUNKS=100000)
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createBenchBot, seedChunks, startBenchDatabase } from './api-bench-support.js';

const CHUNKS = Number(process.env.CHUNKS ?? 100_000);
const migration = readFileSync(
  new URL('../../api/prisma/migrations/20261207220000_hnsw_build_parameters/migration.sql', import.meta.url),
  'utf8',
);
const bench = await startBenchDatabase({ ownProcess: true });
try {
  const botId = await createBenchBot(bench.db, 'secret1benchowner');
  const seeded = await seedChunks(bench.db, botId, CHUNKS, () => {});
  // A fresh connection's setting, not the 512 MB seedChunks set for its own build.
  await bench.db.$executeRawUnsafe('RESET maintenance_work_mem');
  const [memory] = await bench.db.$queryRaw<
    { setting: string }[]
  >`SELECT current_setting('maintenance_work_mem') AS setting`;
  const started = performance.now();
  await bench.db.$transaction(
    migration
      .split(/;\s*$/m)
      .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
      .filter(Boolean)
      .map((statement) => bench.db.$executeRawUnsafe(statement)),
    { timeout: 3_600_000 },
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${CHUNKS} chunks (seeded in ${seeded.toFixed(0)} s): the migration rebuilt both indexes in ${seconds.toFixed(1)} s at maintenance_work_mem ${memory?.setting}; ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)}`,
  );
} finally {
  await bench.close();
}
