import { type Database, Prisma } from '../../db/prisma.js';
import { type Embedder, toVectorSql } from '../embeddings/embedder.js';
import { slotColumns, type VectorSlot } from '../knowledge/vector-slots.js';

export interface RetrievedPassage {
  chunkId: string;
  sourceId: string;
  sourceName: string;
  sourceUrl: string | null;
  text: string;
  citable: boolean;
  /** Reciprocal-rank-fusion score (higher is better). */
  score: number;
  vectorRank: number | null;
  textRank: number | null;
}

/** RRF's constant: ranks past ~60 barely matter, so neither list dominates (Cormack et al. 2009). */
const RRF_K = 60;

/**
 * The weight of the text ranking when only the loose tier (any two of the question's words)
 * matched. A question in other words than its page matches only incidental words, and those
 * matches then pushed the sentence model's answers out of the top 5: on the Python
 * documentation benchmark (scripts/bench/retrieval-quality.ts) paraphrased recall@5 went 0.60
 * (weight 1) → 0.68 (0.5) → 0.72 (0.25), lexical questions staying at 1.00.
 */
const LOOSE_TEXT_WEIGHT = 0.25;

/** The weight of the text ranking when strong matches exist (the vector ranking weighs 1). */
const STRONG_TEXT_WEIGHT = 1;

/**
 * Each page's best passage before the second passage of any page (a page: a source, or a
 * crawled website's page). A visitor's question is
 * about one page; five passages of the same wrong page were what most often kept the right one
 * out of the top 5. On the Python documentation benchmark, tuning half, paraphrased recall@5
 * 0.70 → 0.74 with this alone. A soft cap: a bot with one source still gets all its passages.
 */
const PASSAGES_PER_SOURCE = 1;

/**
 * How much the page counts beside the passage in the vector ranking: a passage's distance plus
 * this times the distance of its page's opening (its first chunk: the title and introduction, which
 * say what the page is about). A passage deep in a long page rarely repeats what the page is
 * for, which is what a paraphrased question asks. Chosen on the tuning half of the benchmark,
 * with one passage per source first (paraphrased recall@5): 0 → 0.74, 0.2 → 0.78,
 * 0.3–0.5 → 0.81, 0.6–1 → 0.81–0.85 (best MRR@10 at 0.85), 1.5 → 0.74, 2 → 0.67.
 */
const PAGE_WEIGHT = 0.85;

/** How the two rankings are fused; the benchmark varies these to choose the defaults. */
export interface FusionWeights {
  /** Weight of the text ranking when strong matches exist (the vector ranking weighs 1). */
  strongText: number;
  /** Weight of the text ranking when only loose matches exist. */
  looseText: number;
  /** RRF's constant. */
  rrfK: number;
  /** At most this many passages of one source come before every other source's best (0: no cap). */
  perSource: number;
  /** Weight of the distance to the passage's page opening (its first chunk) in the vector ranking. */
  page: number;
}

export const DEFAULT_FUSION: FusionWeights = {
  strongText: STRONG_TEXT_WEIGHT,
  looseText: LOOSE_TEXT_WEIGHT,
  rrfK: RRF_K,
  perSource: PASSAGES_PER_SOURCE,
  page: PAGE_WEIGHT,
};

/**
 * At most this many full-text matches of each tier are ranked (and re-scored by vector
 * distance). Ranking reads every match's tsvector and embedding from the heap: a large bot
 * matches hundreds of chunks for a common pair of words (650–790 at 100k chunks), which cost
 * 50–100 ms on PGlite. Past the cap the index yields the oldest rows first, which is why the
 * strong tier (below) comes before any pair of words.
 */
const TEXT_MATCHES_RANKED = 150;

/**
 * Hybrid retrieval, the one code path for chat and the "test retrieval" route, fusing two
 * rankings by reciprocal rank:
 * - by vector: the chunks nearest the question by cosine distance, among the HNSW index's
 *   nearest AND the full-text matches, all scored exactly, each with the distance of its
 *   page's opening added (PAGE_WEIGHT). HNSW alone misses chunks that sit
 *   apart from the bulk of a large bot's knowledge (its greedy walk never reaches them: on the
 *   labelled corpus hidden among 10k chunks it found 1 answer in 25 where an exact scan found
 *   22); scoring the text matches exactly puts those back at a cost of ~2 ms.
 * - by text: full-text rank (ts_rank over the generated `tsv` column, GIN index with the bot
 *   id), in two tiers. First the strong matches: chunks with all but one of the question's
 *   lexemes (all of them up to three; retrieval_strong_tsquery). Only when there are none,
 *   chunks with any two of its lexemes (any one when it has fewer than three;
 *   retrieval_tsquery): requiring every word misses answers that do not repeat the
 *   whole question, while any single word matches so many chunks of a large bot that ranking
 *   them costs hundreds of milliseconds. With any two words alone, a document added to a bot of
 *   100k chunks ranked behind the oldest 150 matches and was found for 24 % of its questions;
 *   with the strong tier first, 68 %, and the lookup is cheaper (the GIN index skips through
 *   the posting lists of the rarest lexemes). ts_rank (term frequency) found more answers than
 *   ts_rank_cd (cover density), at half the cost.
 * The fused list puts each page's best passage before any page's second (PASSAGES_PER_SOURCE).
 * Recall@5 on the labelled corpus, added after the synthetic knowledge: 84 % at 10k chunks,
 * 68 % at 100k (scripts/bench/api-retrieval.ts).
 * Both lists are filtered by bot and only use embedded chunks, so a source being (re-)embedded
 * never mixes vectors of two embedders.
 */
export async function retrievePassages(
  options: SearchOptions & { embedder: Embedder; signal?: AbortSignal },
): Promise<RetrievedPassage[]> {
  const vector = await embedQuestion(options.embedder, options.query, options.signal);
  return searchPassages({ ...options, vector });
}

/** The question's vector, as retrieval compares it with the bot's chunks. */
export async function embedQuestion(
  embedder: Embedder,
  query: string,
  signal?: AbortSignal,
): Promise<number[]> {
  const [vector] = await embedder.embed([query], signal, 'query');
  return vector as number[];
}

interface SearchOptions {
  db: Database;
  botId: string;
  /** The bot's live vector slot (its `vectorSlot`): the column its embedder's vectors are in. */
  slot: VectorSlot;
  query: string;
  limit: number;
  /** Candidates taken from each list before fusion. */
  candidates?: number;
  fusion?: FusionWeights;
}

/** retrievePassages' statement, for a question already embedded (embedQuestion) by the bot's embedder. */
export async function searchPassages(
  options: SearchOptions & { vector: number[] },
): Promise<RetrievedPassage[]> {
  const fusion = options.fusion ?? DEFAULT_FUSION;
  const { db, botId, query, limit } = options;
  const candidates = options.candidates ?? Math.max(20, limit * 4);
  const literal = toVectorSql(options.vector);
  const embedding = slotColumns(options.slot).vector;
  // The row counts are part of the statement's text, not parameters: a generic plan with an
  // unknown LIMIT is estimated as costly as reading every match, and PostgreSQL would then
  // re-plan the statement on every call.
  const textLimit = sqlInteger(TEXT_MATCHES_RANKED);
  const candidateLimit = sqlInteger(candidates);
  const rrfK = sqlInteger(fusion.rrfK);
  const perSource = sqlInteger(fusion.perSource > 0 ? fusion.perSource : limit);
  // The page is the source, or for a crawled website the page the chunk came from. Only the
  // passages nearest by their own distance are weighed with their page (each costs a lookup of
  // its page's opening; up to 190 of them added ~10 ms under load). Weight 0 leaves the join
  // out (the benchmark compares both in one run).
  const pageCandidates = sqlInteger(candidates * 2);
  const pageColumns = Prisma.sql`c."sourceId", c."pageId", coalesce(c."pageId", c."sourceId") AS page, c.ordinal`;
  const withPage =
    fusion.page > 0
      ? Prisma.sql`
        WITH near AS MATERIALIZED (SELECT * FROM scored ORDER BY distance LIMIT ${pageCandidates}),
        -- Each page's opening is read once, however many of its passages are near.
        openings AS (
          SELECT p."sourceId", p."pageId", opening.vector <=> (SELECT vector FROM question) AS distance
          FROM (SELECT DISTINCT "sourceId", "pageId" FROM near) AS p
          LEFT JOIN LATERAL (
            SELECT o.${embedding} AS vector FROM "Chunk" o WHERE p."pageId" IS NULL AND o."sourceId" = p."sourceId" AND o.ordinal = 0
            UNION ALL
            (SELECT o.${embedding} AS vector FROM "Chunk" o WHERE o."pageId" = p."pageId" ORDER BY o.ordinal LIMIT 1)
          ) AS opening ON true
        )
        SELECT n.id, n.page, n.ordinal, n.distance + ${sqlWeight(fusion.page)} * coalesce(o.distance, n.distance) AS distance
        FROM near n
        JOIN openings o ON o."sourceId" = n."sourceId" AND o."pageId" IS NOT DISTINCT FROM n."pageId"`
      : Prisma.sql`SELECT id, page, ordinal, distance FROM scored`;
  // Written for a generic plan (the statement is prepared once per connection, see
  // createPrismaClient): the text queries and the question's vector are computed once, as
  // InitPlans the GIN and HNSW scans take as their keys (the vector is sent and parsed once,
  // not once per use), and each text match's rank and distance once, where its row is read.
  return db.$queryRaw<RetrievedPassage[]>`
    WITH question AS MATERIALIZED (
      SELECT "retrieval_strong_tsquery"(${query}) AS strong, "retrieval_tsquery"(${query}) AS loose,
        ${literal}::vector AS vector
    ),
    strong_matches AS MATERIALIZED (
      SELECT c.id, ts_rank(c.tsv, (SELECT loose FROM question)) AS score, c.${embedding} <=> (SELECT vector FROM question) AS distance,
        ${pageColumns}
      FROM "Chunk" c
      WHERE c."botId" = ${botId}::uuid AND c.${embedding} IS NOT NULL AND c.tsv @@ (SELECT strong FROM question)
      LIMIT ${textLimit}
    ),
    loose_matches AS MATERIALIZED (
      SELECT c.id, ts_rank(c.tsv, (SELECT loose FROM question)) AS score, c.${embedding} <=> (SELECT vector FROM question) AS distance,
        ${pageColumns}
      FROM "Chunk" c
      WHERE NOT EXISTS (SELECT FROM strong_matches)
        AND (SELECT strong IS DISTINCT FROM loose FROM question)
        AND c."botId" = ${botId}::uuid AND c.${embedding} IS NOT NULL AND c.tsv @@ (SELECT loose FROM question)
      LIMIT ${textLimit}
    ),
    -- One tier or the other, never both: no chunk is in the two.
    text_matches AS (SELECT * FROM strong_matches UNION ALL SELECT * FROM loose_matches),
    nearest AS (
      SELECT c.id, c.${embedding} <=> (SELECT vector FROM question) AS distance, ${pageColumns}
      FROM "Chunk" c
      WHERE c."botId" = ${botId}::uuid AND c.${embedding} IS NOT NULL
      ORDER BY c.${embedding} <=> (SELECT vector FROM question)
      LIMIT ${candidateLimit}
    ),
    scored AS (
      SELECT DISTINCT ON (id) id, distance, "sourceId", "pageId", page, ordinal
      FROM (
        SELECT id, distance, "sourceId", "pageId", page, ordinal FROM nearest
        UNION ALL SELECT id, distance, "sourceId", "pageId", page, ordinal FROM text_matches) AS both_lists
      ORDER BY id
    ),
    by_vector AS (
      SELECT id, page, ordinal, row_number() OVER (ORDER BY distance) AS rank FROM (${withPage}) AS with_page
      ORDER BY distance
      LIMIT ${candidateLimit}
    ),
    by_text AS (
      SELECT id, page, ordinal, row_number() OVER (ORDER BY score DESC) AS rank FROM (
        SELECT id, page, ordinal, score FROM text_matches ORDER BY score DESC LIMIT ${candidateLimit}) AS matched
    ),
    fused AS (
      SELECT coalesce(v.id, t.id) AS id, coalesce(v.page, t.page) AS page, coalesce(v.ordinal, t.ordinal) AS ordinal,
        v.rank AS vector_rank, t.rank AS text_rank,
        coalesce(1.0 / (${rrfK} + v.rank), 0)
          + (SELECT CASE WHEN EXISTS (SELECT FROM strong_matches) THEN ${sqlWeight(fusion.strongText)} ELSE ${sqlWeight(fusion.looseText)} END)
            * coalesce(1.0 / (${rrfK} + t.rank), 0) AS score
      FROM by_vector v FULL OUTER JOIN by_text t ON v.id = t.id
    ),
    -- Ranked on the columns carried from where each row was first read; the text and the
    -- source are read for the returned rows only.
    ranked AS (
      SELECT p.id, p.score, p.vector_rank, p.text_rank, p.ordinal, p.of_source > ${perSource} AS later FROM (
        SELECT f.id, f.score, f.vector_rank, f.text_rank, f.ordinal,
          row_number() OVER (PARTITION BY f.page ORDER BY f.score DESC, f.ordinal) AS of_source
        FROM fused f) AS p
      ORDER BY later, p.score DESC, p.ordinal
      LIMIT ${sqlInteger(limit)}
    )
    SELECT c.id::text AS "chunkId", c."sourceId"::text AS "sourceId", s.name AS "sourceName",
      coalesce(c.url, s.url) AS "sourceUrl", c.text, c.citable, r.score::float8 AS score,
      r.vector_rank::int AS "vectorRank", r.text_rank::int AS "textRank"
    FROM ranked r JOIN "Chunk" c ON c.id = r.id JOIN "Source" s ON s.id = c."sourceId"
    ORDER BY r.later, r.score DESC, r.ordinal`;
}

function sqlWeight(value: number): Prisma.Sql {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a weight: ${value}`);
  return Prisma.raw(value.toFixed(4));
}

function sqlInteger(value: number): Prisma.Sql {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a row count: ${value}`);
  return Prisma.raw(String(value));
}
