import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toVectorSql } from '../services/embeddings/embedder.js';
import { pgliteExtensions } from '../testing/pglite-extensions.js';
import { applyMigrations, defaultMigrationsDir } from './apply-migrations.js';
import { createPrismaClient, type Database, Prisma } from './prisma.js';

// Runs the real migrations on an empty PGlite (no cached template), then uses the result
// through Prisma the way the api does.
describe('migrations on an empty database', () => {
  let db: PGlite;
  let server: PGLiteSocketServer;
  let url: string;
  let prisma: Database;

  beforeAll(async () => {
    db = await PGlite.create({ extensions: pgliteExtensions });
    server = new PGLiteSocketServer({ db, port: 0, maxConnections: 8 });
    await server.start();
    url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    prisma = createPrismaClient({ databaseUrl: url });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await server?.stop();
    await db?.close();
  });

  it('applies every migration once and records it as prisma migrate deploy would', async () => {
    const first = await applyMigrations({ databaseUrl: url });
    const names = (await readdir(defaultMigrationsDir)).filter((name) => /^\d{14}_/.test(name)).sort();
    expect(names[0]).toBe('20261122000000_init');
    expect(first.applied).toEqual(names);
    const again = await applyMigrations({ databaseUrl: url });
    expect(again.applied).toEqual([]);

    const rows = await prisma.$queryRaw<
      { migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[]
    >`SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`;
    expect(rows).toHaveLength(names.length);
    for (const [i, name] of names.entries()) {
      const sql = await readFile(join(defaultMigrationsDir, name, 'migration.sql'));
      expect(rows[i]).toMatchObject({
        migration_name: name,
        checksum: createHash('sha256').update(sql).digest('hex'),
        applied_steps_count: 1,
      });
      expect(rows[i]?.finished_at).toBeInstanceOf(Date);
    }
  });

  it('matches schema.prisma: every model reads all its columns from the migrated tables', async () => {
    // Prisma names every scalar column in its SELECT, so a column missing from or misnamed in
    // the migration SQL fails here (the drift check `prisma migrate diff` would do with an engine).
    const models = Object.values(Prisma.ModelName);
    expect(models.length).toBeGreaterThanOrEqual(19);
    for (const model of models) {
      const delegate = (prisma as unknown as Record<string, { findMany(args: object): Promise<unknown[]> }>)[
        model.charAt(0).toLowerCase() + model.slice(1)
      ];
      await expect(delegate?.findMany({ take: 1 }), model).resolves.toEqual([]);
    }
  });

  it('finds nearest neighbours with pgvector through Prisma, using the HNSW index', async () => {
    const org = await prisma.org.create({
      data: { id: '1', name: 'Acme', owner: 'secret1owner', syncedAt: new Date() },
    });
    const bot = await prisma.bot.create({
      data: {
        orgId: org.id,
        name: 'Helper',
        model: 'm',
        embedder: 'local-hash-384',
        createdBy: 'secret1owner',
      },
    });
    const source = await prisma.source.create({
      data: { botId: bot.id, type: 'text', name: 'notes', contentHash: 'h1' },
    });
    // 200 chunks whose embeddings point in different directions; chunk k is closest to axis k.
    const dims = 384;
    const vectorLiteral = (hot: number) =>
      toVectorSql(Array.from({ length: dims }, (_, i) => (i === hot ? 1 : i === (hot + 1) % dims ? 0.1 : 0)));
    await prisma.$executeRaw`
      INSERT INTO "Chunk" (id, "botId", "sourceId", ordinal, text, citable, "contentHash", embedding)
      SELECT gen_random_uuid(), ${bot.id}::uuid, ${source.id}::uuid, k, 'chunk about topic ' || k, true, 'c' || k,
             (SELECT array_agg(CASE WHEN i = k THEN 1 WHEN i = (k + 1) % 384 THEN 0.1 ELSE 0 END ORDER BY i)
                FROM generate_series(0, 383) AS i)::vector
      FROM generate_series(0, 199) AS k`;
    expect(await prisma.chunk.count({ where: { botId: bot.id } })).toBe(200);
    const query = vectorLiteral(42);
    const nearest = await prisma.$queryRaw<{ ordinal: number; distance: number }[]>`
      SELECT ordinal, embedding <=> ${query}::vector AS distance
      FROM "Chunk" WHERE "botId" = ${bot.id}::uuid
      ORDER BY embedding <=> ${query}::vector LIMIT 3`;
    expect(nearest[0]?.ordinal).toBe(42);
    expect(nearest[0]?.distance).toBeLessThan(1e-6);

    // The planner must choose the HNSW index for this shape of query (seqscan disabled only to
    // make the decision independent of the tiny table size).
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query(
        `EXPLAIN SELECT id FROM "Chunk" ORDER BY embedding <=> '${query}'::vector LIMIT 5`,
      );
      await client.query('COMMIT');
      const text = plan.rows.map((row: Record<string, string>) => Object.values(row).join(' ')).join('\n');
      expect(text).toContain('Chunk_embedding_hnsw_idx');
    } finally {
      await client.end();
    }
  });

  it('builds both vector slots’ HNSW indexes alike, with pgvector’s default m 16', async () => {
    // m 8 halved the insertion cost but lost recall@20 0.13–0.15 in the index shared by many
    // bots with similar documents (scripts/bench/RESULTS.md, "HNSW m 8 vs m 16 in the index
    // shared by many bots"): retrieval quality outweighs it. No options means the defaults.
    const indexes = await prisma.$queryRaw<{ name: string; options: string[] | null }[]>`
      SELECT c.relname AS name, c.reloptions AS options FROM pg_class c
      WHERE c.relname IN ('Chunk_embedding_hnsw_idx', 'Chunk_embeddingAlt_hnsw_idx') ORDER BY c.relname`;
    expect(indexes).toEqual([
      { name: 'Chunk_embeddingAlt_hnsw_idx', options: null },
      { name: 'Chunk_embedding_hnsw_idx', options: null },
    ]);
  });

  it('generates the full-text column and serves a bot’s text search from one GIN index scan', async () => {
    const hits = await prisma.$queryRaw<{ ordinal: number }[]>`
      SELECT ordinal FROM "Chunk" WHERE tsv @@ websearch_to_tsquery('english', 'topics 7') ORDER BY ordinal LIMIT 1`;
    expect(hits[0]?.ordinal).toBe(7);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      // Retrieval's shape: one bot, a text query. Both conditions must be index conditions of
      // the one (botId, tsv) index, not a BitmapAnd with a scan of every chunk of the bot.
      const [{ botId }] = (await client.query('SELECT "botId"::text AS "botId" FROM "Chunk" LIMIT 1')).rows;
      await client.query('ANALYZE "Chunk"');
      const plan = await client.query(
        `EXPLAIN SELECT id FROM "Chunk" WHERE "botId" = $1::uuid AND tsv @@ websearch_to_tsquery('english', 'topics 7')`,
        [botId],
      );
      await client.query('COMMIT');
      const text = JSON.stringify(plan.rows);
      expect(text).toContain('Chunk_botId_tsv_idx');
      expect(text).not.toContain('BitmapAnd');
    } finally {
      await client.end();
    }
  });

  it('refuses to continue past a migration that failed earlier', async () => {
    await prisma.$executeRaw`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'y', '20990101000000_broken')`;
    await expect(applyMigrations({ databaseUrl: url })).rejects.toThrow(
      /20990101000000_broken failed earlier/,
    );
    await prisma.$executeRaw`DELETE FROM "_prisma_migrations" WHERE id = 'x'`;
  });
});
