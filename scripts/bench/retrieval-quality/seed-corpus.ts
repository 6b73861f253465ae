/**
 * The retrieval-quality corpus as a bot's knowledge: every chunk embedded as the bot's index
 * embeds it (vectors cached across runs), inserted as one source per page, with both indexes
 * built once over all rows. Shared by retrieval-quality.ts and api-retrieval-route.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '@privexbot/api/db/prisma';
import { type Embedder, toVectorSql } from '@privexbot/api/services/embeddings/embedder';
import { passageText } from '@privexbot/api/services/knowledge/passage-text';
import { cacheDir } from '../../lib/paths.js';
import { type HnswBuild, hnswIndexDefinition } from '../api-bench-support.js';
import type { CorpusPage } from './build-corpus.js';

/**
 * Every chunk's vector, in corpus order, as the index embeds it (its passage format). Vectors
 * are cached by the SHA-256 of the exact text embedded, in one append-only file per embedder
 * (records of 32 key bytes + 384 float32), so a text never gets another text's vector.
 */
export async function embedCorpus(
  embedder: Embedder,
  indexId: string,
  corpus: CorpusPage[],
): Promise<number[][]> {
  const texts = corpus.flatMap((p) => p.chunks.map((text) => passageText(indexId, { title: p.title, text })));
  const keyOf = (text: string) => createHash('sha256').update(text).digest();
  const dir = join(cacheDir, 'bench', 'retrieval-quality');
  const file = join(dir, `${embedder.id}.by-text.bin`);
  const record = 32 + 384 * 4;
  const cached = new Map<string, number[]>();
  if (existsSync(file)) {
    const data = readFileSync(file);
    for (let at = 0; at + record <= data.length; at += record) {
      const floats = new Float32Array(
        data.buffer.slice(data.byteOffset + at + 32, data.byteOffset + at + record),
      );
      cached.set(data.subarray(at, at + 32).toString('hex'), Array.from(floats));
    }
  }
  const missing = [...new Set(texts.filter((t) => !cached.has(keyOf(t).toString('hex'))))];
  console.log(`  ${indexId}: ${texts.length - missing.length} cached, ${missing.length} to embed`);
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  for (let i = 0; i < missing.length; i += 64) {
    const batch = missing.slice(i, i + 64);
    const vectors = await embedder.embed(batch);
    appendFileSync(
      file,
      Buffer.concat(
        batch.map((text, j) => {
          const key = keyOf(text);
          cached.set(key.toString('hex'), vectors[j] as number[]);
          return Buffer.concat([key, Buffer.from(Float32Array.from(vectors[j] as number[]).buffer)]);
        }),
      ),
    );
    if (i % 1024 === 0) {
      const rate = (i + batch.length) / ((performance.now() - t0) / 1000);
      console.log(`  ${indexId}: ${i + batch.length} / ${missing.length} embedded (${rate.toFixed(0)}/s)`);
    }
  }
  return texts.map((t) => cached.get(keyOf(t).toString('hex')) as number[]);
}

/**
 * Inserts the corpus into `botId`'s knowledge, one source per page (named by its path), with
 * `vectors` from embedCorpus, and builds the HNSW and GIN indexes once over every row (far
 * faster than maintaining them row by row). Returns the HNSW build's milliseconds.
 */
export async function seedCorpus(
  db: Database,
  botId: string,
  corpus: CorpusPage[],
  vectors: number[][],
  options: {
    hnsw?: HnswBuild;
    /** Chunks (corpus positions) inserted without their vector, for a bench to write later. */
    unembedded?: Set<number>;
  } = {},
): Promise<{ hnswBuildMs: number }> {
  const hnswIndex = await hnswIndexDefinition(db, options.hnsw);
  await db.$executeRawUnsafe('DROP INDEX IF EXISTS "Chunk_embedding_hnsw_idx"');
  await db.$executeRawUnsafe('DROP INDEX IF EXISTS "Chunk_botId_tsv_idx"');
  let at = 0;
  for (const page of corpus) {
    const source = await db.source.create({
      data: { botId, type: 'text', name: page.path, contentHash: randomUUID(), status: 'ready', bytes: 1 },
    });
    const ids = page.chunks.map(() => randomUUID());
    const pageVectors = vectors
      .slice(at, at + page.chunks.length)
      .map((v, i) => (options.unembedded?.has(at + i) ? null : toVectorSql(v)));
    at += page.chunks.length;
    await db.$executeRaw`
      INSERT INTO "Chunk" (id, "botId", "sourceId", ordinal, text, citable, "contentHash", embedding)
      SELECT u.id, ${botId}::uuid, ${source.id}::uuid, u.ordinal, u.text, true, md5(u.text), u.e::vector
      FROM unnest(${ids}::uuid[], ${page.chunks.map((_, i) => i)}::int[], ${page.chunks}::text[], ${pageVectors}::text[]) AS u(id, ordinal, text, e)`;
  }
  await db.$executeRawUnsafe("SET maintenance_work_mem = '512MB'");
  const buildStarted = performance.now();
  await db.$executeRawUnsafe(hnswIndex);
  const hnswBuildMs = performance.now() - buildStarted;
  await db.$executeRawUnsafe('CREATE INDEX "Chunk_botId_tsv_idx" ON "Chunk" USING GIN ("botId", "tsv")');
  // What the ingestion worker does after a job (PGlite has no autovacuum to do it).
  await db.$executeRawUnsafe('ANALYZE "Chunk"');
  return { hnswBuildMs };
}
