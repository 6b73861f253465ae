import { z } from 'zod';
import { modelCacheDirectory } from '../embeddings/local-model-embedder.js';
import type { DocumentParserSettings } from '../knowledge/document-parser.js';

/**
 * Settings of bots, knowledge, chat, leads and webhooks, read from the environment with zod
 * like config.ts (which holds the api's core settings). README.md ("Bots, knowledge and
 * chat") lists them.
 */
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1');
const optionalUrl = z
  .url()
  .optional()
  .or(z.literal('').transform(() => undefined));

const environmentSchema = z.object({
  /** HMAC key shared with the inference gateway (GATEWAY_URL is in the core config). */
  GATEWAY_PLATFORM_SECRET: z
    .string()
    .min(16)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Development without a gateway: an OpenAI-compatible endpoint called directly. */
  LLM_BASE_URL: optionalUrl,
  /** API key for LLM_BASE_URL, if it needs one. */
  LLM_API_KEY: z.string().default(''),
  /** How long one model call may take before the turn fails. */
  LLM_TIMEOUT_SECONDS: integer(1, 600).default(120),
  /**
   * `model` (default): the sentence model the bootstrap installed, run on this machine.
   * `hash`: hashed word counts, finds only the page's own words: an explicit fallback.
   */
  EMBEDDINGS: z.enum(['model', 'hash']).default('model'),
  /** Threads of the embedding pool; default one per core. */
  EMBEDDING_THREADS: integer(1, 64).optional(),
  /** OpenAI-compatible embeddings (text-embedding-3 with dimensions=384); unset → local embedder. */
  EMBEDDINGS_BASE_URL: optionalUrl,
  /** API key for EMBEDDINGS_BASE_URL. */
  EMBEDDINGS_API_KEY: z.string().default(''),
  /** Model name sent to EMBEDDINGS_BASE_URL. */
  EMBEDDINGS_MODEL: z.string().min(1).default('text-embedding-3-small'),
  /** 32 bytes, base64: encrypts lead emails and webhook secrets. Required in production. */
  DATA_ENCRYPTION_KEY: z.string().optional(),
  /** Time limit of one URL source fetch. */
  URL_FETCH_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  /** Largest page or file a URL source may download. */
  URL_FETCH_MAX_BYTES: integer(1024, 100_000_000).default(10_000_000),
  /** Tests only: lets URL ingestion and webhooks reach 127.0.0.1 / ::1. Refused in production. */
  URL_FETCH_ALLOW_LOOPBACK: flag.default(false),
  /** Uploaded documents are parsed in a process of their own, within these limits. */
  DOCUMENT_PARSE_TIMEOUT_MS: integer(100, 600_000).default(20_000),
  /** Heap of one parsing process; a document that needs more is refused (DOCUMENT_TOO_LARGE). */
  DOCUMENT_PARSE_MAX_MEMORY_MB: integer(32, 8192).default(384),
  /** Bytes a DOCX may inflate to; zip bombs stop here, before inflating. */
  DOCUMENT_MAX_EXPANDED_BYTES: integer(1024, 1_000_000_000).default(64 * 1024 * 1024),
  /** Most characters of text one document may yield. */
  DOCUMENT_MAX_TEXT_CHARS: integer(1000, 200_000_000).default(20_000_000),
  /** Uploads one org may have in flight (429 above). */
  DOCUMENT_UPLOADS_PER_ORG: integer(1, 100).default(2),
  /** Parsing processes at once, for all orgs of this api process. */
  DOCUMENT_PARSE_PROCESSES: integer(1, 64).default(2),
  /** Plan and chain-counter cache. */
  QUOTA_CACHE_SECONDS: integer(0, 3600).default(15),
  /** How long chat may use a bot's settings read by another api process (this one forgets at once). */
  BOT_CACHE_SECONDS: integer(0, 300).default(2),
  /**
   * The platform's chain reader: an address every org names as auditor, with the same viewing
   * key set on the billing and usage contracts. Subscriptions and usage counters are private
   * queries, so this is how the api reads quotas and counters.
   */
  CHAIN_READER_ADDRESS: z.string().optional(),
  /** The usage contract (discovered from the devnet's /status when unset). */
  USAGE_CONTRACT: z.string().optional(),
  /** The chain reader's viewing key on both contracts. */
  CHAIN_READER_VIEWING_KEY: z.string().optional(),
  /** Earlier messages of a conversation sent with each question. */
  CHAT_HISTORY_MESSAGES: integer(0, 50).default(10),
  /** Passages of knowledge given to the model with each question. */
  CHAT_RETRIEVAL_PASSAGES: integer(1, 20).default(5),
  /** Model a new bot answers with, among those the gateway offers. */
  DEFAULT_BOT_MODEL: z.string().min(1).default('default'),
  /** A running ingestion job whose worker has been silent this long is taken over. */
  INGEST_STALE_SECONDS: integer(1, 3600).default(60),
  /** One delivery attempt, connect to answer; at most 10 s, so a tarpit holds a slot no longer. */
  WEBHOOK_TIMEOUT_MS: integer(100, 10_000).default(5000),
  /** Leads one visitor (client address) and one bot may leave per hour; a lead request's body cap. */
  LEADS_PER_VISITOR_PER_HOUR: integer(1, 10_000).default(5),
  /** Leads one bot may receive per hour, from all visitors. */
  LEADS_PER_BOT_PER_HOUR: integer(1, 1_000_000).default(200),
  /** Largest lead request body. */
  LEAD_MAX_BODY_BYTES: integer(256, 65_536).default(4096),
  /** Attempts of one delivery, with growing backoff, before it is marked failed. */
  WEBHOOK_MAX_ATTEMPTS: integer(1, 20).default(8),
  /** Deliveries sent at once by one api process, and at most this many of one org. */
  WEBHOOK_CONCURRENCY: integer(1, 256).default(16),
  /** Deliveries of one org sent at once by one api process. */
  WEBHOOK_ORG_CONCURRENCY: integer(1, 64).default(2),
});

export interface BotPlatformSettings {
  gatewaySecret: string | undefined;
  llmBaseUrl: string | undefined;
  llmApiKey: string;
  llmTimeoutMs: number;
  embeddings: { baseUrl: string; apiKey: string; model: string } | undefined;
  localEmbeddings: 'model' | 'hash';
  embeddingThreads: number | undefined;
  /** Where the bootstrap put the sentence model (`PRIVEXBOT_CACHE`, else the user's cache). */
  modelCacheDirectory: string;
  dataEncryptionKey: Buffer | undefined;
  urlFetch: { timeoutMs: number; maxBytes: number; allowLoopback: boolean };
  documents: DocumentParserSettings;
  quotaCacheSeconds: number;
  botCacheSeconds: number;
  chainReader: { address: string; key: string } | undefined;
  usageContract: string | undefined;
  chatHistoryMessages: number;
  chatRetrievalPassages: number;
  defaultBotModel: string;
  ingestStaleSeconds: number;
  webhookTimeoutMs: number;
  webhookMaxAttempts: number;
  webhookConcurrency: number;
  webhookOrgConcurrency: number;
  leads: { perVisitorPerHour: number; perBotPerHour: number; maxBodyBytes: number };
}

export function loadBotPlatformSettings(
  env: Record<string, string | undefined>,
  nodeEnv: string,
): BotPlatformSettings {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  // With a gateway the api never calls a model itself: an LLM_BASE_URL here would be silently ignored.
  if (e.LLM_BASE_URL && env.GATEWAY_URL && e.GATEWAY_PLATFORM_SECRET) {
    throw new Error(
      'invalid configuration:\n  LLM_BASE_URL: has no effect when GATEWAY_URL is set: answers go through the inference gateway; set its upstream there (GATEWAY_UPSTREAM_BASE_URL)',
    );
  }
  if (e.URL_FETCH_ALLOW_LOOPBACK && nodeEnv === 'production') {
    throw new Error(
      'invalid configuration:\n  URL_FETCH_ALLOW_LOOPBACK: is for tests and is refused in production',
    );
  }
  let dataEncryptionKey: Buffer | undefined;
  if (e.DATA_ENCRYPTION_KEY) {
    dataEncryptionKey = Buffer.from(e.DATA_ENCRYPTION_KEY, 'base64');
    if (dataEncryptionKey.length !== 32)
      throw new Error('invalid configuration:\n  DATA_ENCRYPTION_KEY: must be 32 bytes in base64');
  } else if (nodeEnv === 'production') {
    throw new Error(
      'invalid configuration:\n  DATA_ENCRYPTION_KEY: required in production (32 bytes, base64)',
    );
  }
  return {
    gatewaySecret: e.GATEWAY_PLATFORM_SECRET,
    llmBaseUrl: e.LLM_BASE_URL,
    llmApiKey: e.LLM_API_KEY,
    llmTimeoutMs: e.LLM_TIMEOUT_SECONDS * 1000,
    embeddings: e.EMBEDDINGS_BASE_URL
      ? { baseUrl: e.EMBEDDINGS_BASE_URL, apiKey: e.EMBEDDINGS_API_KEY, model: e.EMBEDDINGS_MODEL }
      : undefined,
    localEmbeddings: e.EMBEDDINGS,
    embeddingThreads: e.EMBEDDING_THREADS,
    modelCacheDirectory: modelCacheDirectory(env),
    dataEncryptionKey,
    urlFetch: {
      timeoutMs: e.URL_FETCH_TIMEOUT_MS,
      maxBytes: e.URL_FETCH_MAX_BYTES,
      allowLoopback: e.URL_FETCH_ALLOW_LOOPBACK,
    },
    documents: {
      timeoutMs: e.DOCUMENT_PARSE_TIMEOUT_MS,
      maxMemoryMb: e.DOCUMENT_PARSE_MAX_MEMORY_MB,
      maxExpandedBytes: e.DOCUMENT_MAX_EXPANDED_BYTES,
      maxTextChars: e.DOCUMENT_MAX_TEXT_CHARS,
      uploadsPerOrg: e.DOCUMENT_UPLOADS_PER_ORG,
      processes: e.DOCUMENT_PARSE_PROCESSES,
    },
    quotaCacheSeconds: e.QUOTA_CACHE_SECONDS,
    botCacheSeconds: e.BOT_CACHE_SECONDS,
    chainReader:
      e.CHAIN_READER_ADDRESS && e.CHAIN_READER_VIEWING_KEY
        ? { address: e.CHAIN_READER_ADDRESS, key: e.CHAIN_READER_VIEWING_KEY }
        : undefined,
    usageContract: e.USAGE_CONTRACT || undefined,
    chatHistoryMessages: e.CHAT_HISTORY_MESSAGES,
    chatRetrievalPassages: e.CHAT_RETRIEVAL_PASSAGES,
    defaultBotModel: e.DEFAULT_BOT_MODEL,
    ingestStaleSeconds: e.INGEST_STALE_SECONDS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    webhookConcurrency: e.WEBHOOK_CONCURRENCY,
    webhookOrgConcurrency: e.WEBHOOK_ORG_CONCURRENCY,
    leads: {
      perVisitorPerHour: e.LEADS_PER_VISITOR_PER_HOUR,
      perBotPerHour: e.LEADS_PER_BOT_PER_HOUR,
      maxBodyBytes: e.LEAD_MAX_BODY_BYTES,
    },
  };
}
