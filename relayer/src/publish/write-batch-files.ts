import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RelayerStore } from '../db/relayer-store.js';
import { toPublicBatch, toPublicReceipt } from './public-batch.js';

export type SettledKind = 'batch' | 'receipt';

const FOLDER: Record<SettledKind, string> = { batch: 'batches', receipt: 'receipts' };

/**
 * The static form of the public publication: `<dir>/batches/<chain batch id>.json` and
 * `<dir>/receipts/<chain receipt id>.json`, the same JSON as `GET /batches/:id` and
 * `GET /receipts/:id` (header and attestation hashes, nothing about any org), for serving from
 * any static host or archiving. Written after the batch or receipt is committed (the database
 * stays the source), atomically (temporary file, then rename).
 */
export async function writeSettledFile(
  store: RelayerStore,
  dir: string,
  kind: SettledKind,
  chainId: bigint,
): Promise<void> {
  let document: unknown;
  if (kind === 'batch') {
    const batch = await store.publishedBatch(chainId);
    document = batch && toPublicBatch(batch);
  } else {
    const receipt = await store.publishedReceipt(chainId);
    document = receipt && toPublicReceipt(receipt);
  }
  if (!document) return;
  const folder = join(dir, FOLDER[kind]);
  await mkdir(folder, { recursive: true });
  const target = join(folder, `${chainId}.json`);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(document)}\n`);
  await rename(temporary, target);
}

/** The static file of one batch (v1). */
export function writeBatchFile(store: RelayerStore, dir: string, chainBatchId: bigint): Promise<void> {
  return writeSettledFile(store, dir, 'batch', chainBatchId);
}

/**
 * At start: writes the files a crash between commit and file write left missing, and rewrites
 * any batch file of the older full form (every attestation of every org) into the public form.
 */
export async function writeMissingBatchFiles(store: RelayerStore, dir: string): Promise<number> {
  let written = 0;
  for (const kind of ['batch', 'receipt'] as const) {
    let after = -1n;
    for (;;) {
      const page =
        kind === 'batch'
          ? await store.listBatches({ afterId: after, limit: 500 })
          : await store.listReceipts({ afterId: after, limit: 500 });
      if (page.length === 0) break;
      for (const { id } of page) {
        const file = join(dir, FOLDER[kind], `${id}.json`);
        if (!existsSync(file) || readFileSync(file, 'utf8').includes('"attestations"')) {
          await writeSettledFile(store, dir, kind, BigInt(id));
          written++;
        }
      }
      after = BigInt((page.at(-1) as { id: string }).id);
    }
  }
  return written;
}
