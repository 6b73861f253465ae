import { modelCacheDirectory } from '@privexbot/schema/sentence-model';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { DocumentParserSettings } from './services/knowledge/document-parser.js';

/**
 * Every setting of the api, read once from the environment and validated here; the rest of
 * the code receives a typed `Config` and never reads process.env. README.md lists them.
 */
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1');
const optionalUrl = z
  .url()
  .optional()
  .or(z.literal('').transform(() => undefined));

const environmentSchema = z.object({
  /** `development`, `test`, `production`. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Where the api listens. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Port the api listens on (0: any free port). */
  PORT: integer(0, 65535).default(8080),
  /** Pino level (`silent` … `trace`). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `postgresql://…`; `npm start` points it at the embedded database. */
  DATABASE_URL: z
    .string({
      error: 'DATABASE_URL is required (postgresql://...); `npm start` sets it to the embedded database',
    })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  /**
   * Connections in the api's pool. Unset: 1 on the embedded database (detected at start),
   * 8 otherwise. pglite-socket interleaves concurrent connections' extended-protocol
   * messages onto PGlite's single session (electric-sql/pglite#1046), so more than one
   * connection to it corrupts queries under load.
   */
  DATABASE_POOL_MAX: integer(1, 100).optional(),
  /** Origins of the dapp allowed to call the authenticated routes from a browser (CORS), comma-separated. */
  CORS_ORIGINS: z.string().default(''),
  /** The built dapp (dapp/dist): served as static files, index.html for other HTML GETs. */
  DAPP_DIST_DIR: z.string().optional(),
  /** The URL users reach the api at; its host is the sign-in domain, the URL the sign-in URI. */
  PUBLIC_URL: z.string().url().optional(),
  /**
   * The reverse proxies in front of the api, by address or CIDR (comma-separated; also
   * `loopback`, `linklocal`, `uniquelocal`). X-Forwarded-For is read only from these peers,
   * from the right, up to the first address not listed: that one is the client. Empty: the
   * socket's peer is the client and X-Forwarded-For is ignored.
   */
  TRUSTED_PROXIES: z.string().default(''),
  /** Chain id sign-in messages must name. */
  CHAIN_ID: z.string().min(1).default('privexbot-devnet-1'),
  /** Account address prefix. */
  BECH32_PREFIX: z.string().min(1).default('secret'),
  /** Which ChainClient adapter reads org roles: the devnet, Secret Network (LCD), CosmWasm (RPC). */
  CHAIN_KIND: z.enum(['devnet', 'secret', 'cosmwasm']).default('devnet'),
  /** Secret LCD (e.g. http://localhost:1317) or CosmWasm RPC (…:26657); defaults to DEVNET_URL for the devnet. */
  CHAIN_URL: z.string().url().optional(),
  /** The devnet's HTTP API. */
  DEVNET_URL: z.string().url().default('http://127.0.0.1:26680'),
  /** Billing contract address; on the devnet it is discovered from /status when unset. */
  BILLING_CONTRACT: z.string().optional(),
  /** Inference gateway base URL, checked by /readyz when set. */
  GATEWAY_URL: optionalUrl,
  /** Validity of a sign-in challenge. */
  SIGN_IN_CHALLENGE_TTL_SECONDS: integer(30, 3600).default(300),
  /** Access token lifetime. */
  ACCESS_TOKEN_TTL_SECONDS: integer(60, 86_400).default(900),
  /** Absolute session lifetime (30 days). */
  SESSION_TTL_SECONDS: integer(300, 365 * 86_400).default(30 * 86_400),
  /** Max age of the org/role mirror before a request re-reads the chain. */
  ORG_SYNC_TTL_SECONDS: integer(0, 86_400).default(60),
  /** Background refresh of stale mirrors (0 = off). */
  ORG_REFRESH_INTERVAL_SECONDS: integer(0, 86_400).default(300),
  /** JSON body limit (413 above). */
  MAX_BODY_BYTES: integer(1024, 50 * 1024 * 1024).default(1024 * 1024),
  /** Sign-in requests per client IP per minute, each of GET /auth/challenge and POST /auth/verify. */
  AUTH_RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(30),
  /**
   * Bearer token that GET /metrics requires (Prometheus: `authorization: { credentials }`).
   * Unset: /metrics is not served at all.
   */
  METRICS_TOKEN: z
    .string()
    .min(16)
    .optional()
    .or(z.literal('').transform(() => undefined)),

  /** HMAC key shared with the inference gateway at GATEWAY_URL. */
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
  /** Threads of the embedding pool that embed chunks; default one per core (one more is kept for questions). */
  EMBEDDING_THREADS: integer(1, 64).optional(),
  /**
   * How far the pool's chunk threads lower their CPU priority (nice increment, Linux) so chat
   * and questions get the cores first while a source is embedded; 0 turns it off. Default 10.
   */
  EMBEDDING_INGEST_NICE: integer(0, 19).optional(),
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
  /**
   * Chunks whose vectors one ingestion write stores. The embedded database runs one statement
   * at a time for every client, so a smaller write lets chat's statements in sooner.
   */
  INGEST_WRITE_CHUNKS: integer(1, 1024).default(4),
  /**
   * Website crawls one api process runs at once (one org gets at most one less, so another org
   * always finds a slot; two crawls of one host never run at once).
   */
  CRAWLS_AT_ONCE: integer(1, 8).default(3),
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

type Environment = z.infer<typeof environmentSchema>;

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  host: string;
  port: number;
  logLevel: string;
  databaseUrl: string;
  /** undefined: decided at start (1 on the embedded database, else 8). */
  databasePoolMax: number | undefined;
  /** Browser origins allowed on the authenticated routes; PUBLIC_URL's origin is always allowed. */
  corsOrigins: string[];
  dappDistDir: string | undefined;
  publicUrl: string;
  /** Host (and port) of publicUrl: the `domain` of sign-in messages. */
  authDomain: string;
  /** Addresses, CIDRs or proxy-addr names whose X-Forwarded-For counts (Express `trust proxy`). */
  trustedProxies: string[];
  chainId: string;
  bech32Prefix: string;
  chain: { kind: 'devnet' | 'secret' | 'cosmwasm'; url: string };
  /** The devnet's HTTP API (dev accounts, faucet); the chain itself when CHAIN_KIND is devnet. */
  devnetUrl: string;
  billingContract: string | undefined;
  gatewayUrl: string | undefined;
  signInChallengeTtlSeconds: number;
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  orgSyncTtlSeconds: number;
  orgRefreshIntervalSeconds: number;
  maxBodyBytes: number;
  authRateLimitPerMinute: number;
  metricsToken: string | undefined;
  /** Bots, knowledge, chat, leads and webhooks. */
  platform: BotPlatformSettings;
}

export interface BotPlatformSettings {
  gatewaySecret: string | undefined;
  llmBaseUrl: string | undefined;
  llmApiKey: string;
  llmTimeoutMs: number;
  embeddings: { baseUrl: string; apiKey: string; model: string } | undefined;
  localEmbeddings: 'model' | 'hash';
  embeddingThreads: number | undefined;
  embeddingIngestNice: number | undefined;
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
  ingestWriteChunks: number;
  crawlsAtOnce: number;
  webhookTimeoutMs: number;
  webhookMaxAttempts: number;
  webhookConcurrency: number;
  webhookOrgConcurrency: number;
  leads: { perVisitorPerHour: number; perBotPerHour: number; maxBodyBytes: number };
}

const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

function parseTrustedProxies(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const valid = proxyNames.has(entry) || (entry.includes('/') ? isCidr(entry) : ipaddr.isValid(entry));
    if (!valid)
      throw new ConfigError(
        `invalid configuration:\n  TRUSTED_PROXIES: "${entry}" is not an address, a CIDR, loopback, linklocal or uniquelocal`,
      );
  }
  return entries;
}

function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Throws ConfigError naming every bad variable, e.g. `PORT: expected a number, got "abc"`. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = env[name];
      // Values of secret-looking variables are never echoed.
      const shown =
        value === undefined || /SECRET|KEY|PASSWORD|TOKEN|DATABASE_URL/.test(name) ? '' : ` (got "${value}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.CHAIN_KIND !== 'devnet' && !e.CHAIN_URL) {
    throw new ConfigError(`invalid configuration:\n  CHAIN_URL: required when CHAIN_KIND is ${e.CHAIN_KIND}`);
  }
  if (e.CHAIN_KIND !== 'devnet' && !e.BILLING_CONTRACT) {
    throw new ConfigError(
      `invalid configuration:\n  BILLING_CONTRACT: required when CHAIN_KIND is ${e.CHAIN_KIND}`,
    );
  }
  const platform = platformSettings(e, env);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const corsOrigins = e.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map((origin) => {
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        throw new ConfigError(`invalid configuration:\n  CORS_ORIGINS: "${origin}" is not a URL`);
      }
      if (parsed.origin !== origin.replace(/\/$/, ''))
        throw new ConfigError(
          `invalid configuration:\n  CORS_ORIGINS: "${origin}" must be an origin (scheme://host[:port]), without a path`,
        );
      return parsed.origin;
    });
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    corsOrigins: [...new Set([new URL(publicUrl).origin, ...corsOrigins])],
    dappDistDir: e.DAPP_DIST_DIR || undefined,
    publicUrl,
    authDomain: new URL(publicUrl).host,
    trustedProxies: parseTrustedProxies(e.TRUSTED_PROXIES),
    chainId: e.CHAIN_ID,
    bech32Prefix: e.BECH32_PREFIX,
    chain: { kind: e.CHAIN_KIND, url: e.CHAIN_URL ?? e.DEVNET_URL },
    devnetUrl: e.DEVNET_URL,
    billingContract: e.BILLING_CONTRACT || undefined,
    gatewayUrl: e.GATEWAY_URL,
    signInChallengeTtlSeconds: e.SIGN_IN_CHALLENGE_TTL_SECONDS,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    orgSyncTtlSeconds: e.ORG_SYNC_TTL_SECONDS,
    orgRefreshIntervalSeconds: e.ORG_REFRESH_INTERVAL_SECONDS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    metricsToken: e.METRICS_TOKEN,
    platform,
  };
}

function platformSettings(e: Environment, env: Record<string, string | undefined>): BotPlatformSettings {
  // With a gateway the api never calls a model itself: an LLM_BASE_URL here would be silently ignored.
  if (e.LLM_BASE_URL && e.GATEWAY_URL && e.GATEWAY_PLATFORM_SECRET) {
    throw new ConfigError(
      'invalid configuration:\n  LLM_BASE_URL: has no effect when GATEWAY_URL is set: answers go through the inference gateway; set its upstream there (GATEWAY_UPSTREAM_BASE_URL)',
    );
  }
  if (e.URL_FETCH_ALLOW_LOOPBACK && e.NODE_ENV === 'production') {
    throw new ConfigError(
      'invalid configuration:\n  URL_FETCH_ALLOW_LOOPBACK: is for tests and is refused in production',
    );
  }
  let dataEncryptionKey: Buffer | undefined;
  if (e.DATA_ENCRYPTION_KEY) {
    dataEncryptionKey = Buffer.from(e.DATA_ENCRYPTION_KEY, 'base64');
    if (dataEncryptionKey.length !== 32)
      throw new ConfigError('invalid configuration:\n  DATA_ENCRYPTION_KEY: must be 32 bytes in base64');
  } else if (e.NODE_ENV === 'production') {
    throw new ConfigError(
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
    embeddingIngestNice: e.EMBEDDING_INGEST_NICE,
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
    ingestWriteChunks: e.INGEST_WRITE_CHUNKS,
    crawlsAtOnce: e.CRAWLS_AT_ONCE,
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
