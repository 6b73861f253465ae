import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RelayerStore } from '../db/relayer-store.js';
import { toPublicBatch } from './public-batch.js';

/**
 * The static form of the public publication: `<dir>/batches/<chain batch id>.json`, the same
 * JSON as `GET /batches/:id` (header and attestation hashes, nothing about any org), for
 * serving from any static host or archiving. Written after the batch
 * is committed (the database stays the source), atomically (temporary file, then rename).
 */
export async function writeBatchFile(store: RelayerStore, dir: string, chainBatchId: bigint): Promise<void> {
  const batch = await store.publishedBatch(chainBatchId);
  if (!batch) return;
  const folder = join(dir, 'batches');
  await mkdir(folder, { recursive: true });
  const target = join(folder, `${chainBatchId}.json`);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(toPublicBatch(batch))}\n`);
  await rename(temporary, target);
}

/**
 * At start: writes the files a crash between commit and file write left missing, and rewrites
 * any file of the older full form (every attestation of every org) into the public form.
 */
export async function writeMissingBatchFiles(store: RelayerStore, dir: string): Promise<number> {
  let written = 0;
  let after = -1n;
  for (;;) {
    const page = await store.listBatches({ afterId: after, limit: 500 });
    if (page.length === 0) return written;
    for (const batch of page) {
      const file = join(dir, 'batches', `${batch.id}.json`);
      if (!existsSync(file) || readFileSync(file, 'utf8').includes('"attestations"')) {
        await writeBatchFile(store, dir, BigInt(batch.id));
        written++;
      }
    }
    after = BigInt((page.at(-1) as { id: string }).id);
  }
}
