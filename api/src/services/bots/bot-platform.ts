import { randomBytes } from 'node:crypto';
import { DEFAULT_SENTENCE_MODEL, locateSentenceModel } from '@privexbot/schema/sentence-model';
import type { CoreDeps } from '../../app-deps.js';
import type { BotPlatformSettings } from '../../config.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Logger } from '../../logger.js';
import type { Answerer } from '../chat/answerer.js';
import { ChatBotCache } from '../chat/chat-bot-cache.js';
import { GatewayAnswerer } from '../chat/gateway-answerer.js';
import { OpenAiAnswerer } from '../chat/openai-answerer.js';
import type { Embedder } from '../embeddings/embedder.js';
import { LocalHashEmbedder } from '../embeddings/local-hash-embedder.js';
import { LocalModelEmbedder } from '../embeddings/local-model-embedder.js';
import { OpenAiEmbedder } from '../embeddings/openai-embedder.js';
import { CrawlWorker } from '../knowledge/crawl/crawl-worker.js';
import { DocumentParser } from '../knowledge/document-parser.js';
import { IngestionWorker } from '../knowledge/ingestion-worker.js';
import { titledEmbedder } from '../knowledge/passage-text.js';
import { FieldEncryption } from '../leads/field-encryption.js';
import { CachedPlanQuotas } from '../quotas/cached-plan-quotas.js';
import type { PlanQuotaSource } from '../quotas/org-plan.js';
import { createWebhookWorker, type WebhookWorker } from '../webhooks/webhook-worker.js';
import { type OfferedModels, OfferedModelsCache } from './offered-models.js';

/**
 * What the bots, knowledge, chat, leads and webhooks areas need beyond the core AppDeps:
 * plan quotas from the chain, embedders, the answerer (gateway or direct), background
 * workers and the field encryption key. Built once, by main.ts or a test, from the config's
 * `platform` settings and the parts handed in (the plan quota source above all: the chain's
 * in main.ts, an explicit in-memory one in tests that need one).
 */
export interface BotPlatform {
  settings: BotPlatformSettings;
  plans: CachedPlanQuotas;
  /** Bots as chat reads them, cached `BOT_CACHE_SECONDS`; bot routes forget a bot they change. */
  chatBots: ChatBotCache;
  /** The embedder new bots get: OpenAI-compatible when configured, else the local one. */
  defaultEmbedderId: string;
  /** The embedder `embedder: 'local'` means: the sentence model, or the hash one with EMBEDDINGS=hash. */
  localEmbedderId: string;
  openAiEmbedderId: string | undefined;
  embedderFor(embedderId: string): Embedder;
  /** undefined when neither a gateway nor an LLM endpoint is configured. */
  answerer: Answerer | undefined;
  /** The models bots may use: those the gateway offers (cached briefly). */
  offeredModels(): Promise<OfferedModels>;
  encryption(): FieldEncryption;
  ingestion: IngestionWorker;
  /** Website crawls (and their re-crawl schedule). */
  crawls: CrawlWorker;
  /** Parses uploads in child processes, within limits; bounds uploads per org. */
  documents: DocumentParser;
  webhooks: WebhookWorker;
  close(): Promise<void>;
}

export interface BotPlatformParts {
  planQuotaSource: PlanQuotaSource;
  answerer?: Answerer;
  /** Replace or add embedders by id (tests: a failing or slow embedder). */
  embedders?: Embedder[];
}

export function createBotPlatform(deps: CoreDeps, overrides: BotPlatformParts): BotPlatform {
  const settings = deps.config.platform;
  const embedders = new Map<string, Embedder>();
  const hash = new LocalHashEmbedder();
  embedders.set(hash.id, hash);
  const local = createLocalEmbedder(settings, deps.logger, hash);
  embedders.set(local.id, local);
  let openAiEmbedderId: string | undefined;
  if (settings.embeddings) {
    const remote = new OpenAiEmbedder(settings.embeddings);
    embedders.set(remote.id, remote);
    openAiEmbedderId = remote.id;
  }
  for (const embedder of overrides.embedders ?? []) embedders.set(embedder.id, embedder);
  // Bots on the sentence model embed their chunks behind their page's title; bots still on
  // plain chunks keep the plain entry (their questions, their re-embedding to titled).
  let localEmbedderId = local.id;
  if (local !== hash) {
    const titled = titledEmbedder(embedders.get(local.id) as Embedder);
    embedders.set(titled.id, titled);
    localEmbedderId = titled.id;
  }
  const embedderFor = (embedderId: string): Embedder => {
    const embedder = embedders.get(embedderId);
    if (!embedder) throw new Error(`embedder ${embedderId} is not configured on this api`);
    return embedder;
  };

  const answerer =
    overrides.answerer ??
    (deps.config.gatewayUrl && settings.gatewaySecret
      ? new GatewayAnswerer({
          url: deps.config.gatewayUrl,
          secret: settings.gatewaySecret,
          timeoutMs: settings.llmTimeoutMs,
        })
      : settings.llmBaseUrl
        ? new OpenAiAnswerer({
            baseUrl: settings.llmBaseUrl,
            apiKey: settings.llmApiKey,
            timeoutMs: settings.llmTimeoutMs,
          })
        : undefined);

  let encryption: FieldEncryption | undefined;
  const encryptionOf = (): FieldEncryption => {
    if (!encryption) {
      if (!settings.dataEncryptionKey && deps.config.nodeEnv === 'production') {
        throw new AppError(AppErrorCode.NOT_READY, 'lead capture is not configured on this server');
      }
      // Development and tests without a key get a random one per process: data encrypted
      // with it cannot be read after a restart, which is acceptable there and never silent.
      if (!settings.dataEncryptionKey)
        deps.logger.warn('DATA_ENCRYPTION_KEY is not set: using a random key for this process only');
      encryption = new FieldEncryption(settings.dataEncryptionKey ?? randomBytes(32));
    }
    return encryption;
  };

  const source = overrides.planQuotaSource;
  const offeredModels = new OfferedModelsCache(answerer, 30_000);
  const ingestion = new IngestionWorker({
    db: deps.db,
    log: deps.logger,
    embedderFor,
    staleAfterMs: settings.ingestStaleSeconds * 1000,
    writeChunks: settings.ingestWriteChunks,
    clock: deps.clock,
  });
  const plans = new CachedPlanQuotas(source, settings.quotaCacheSeconds);
  const crawls = new CrawlWorker({
    db: deps.db,
    log: deps.logger,
    plans,
    fetchPolicy: { timeoutMs: settings.urlFetch.timeoutMs, allowLoopback: settings.urlFetch.allowLoopback },
    staleAfterMs: settings.ingestStaleSeconds * 1000,
    crawlsAtOnce: settings.crawlsAtOnce,
    clock: deps.clock,
    onChunksQueued: () => ingestion.kick(),
  });
  const webhooks = createWebhookWorker({
    db: deps.db,
    log: deps.logger,
    encryption: encryptionOf,
    settings: {
      timeoutMs: settings.webhookTimeoutMs,
      maxAttempts: settings.webhookMaxAttempts,
      allowLoopback: settings.urlFetch.allowLoopback,
    },
    concurrency: settings.webhookConcurrency,
    perOrg: settings.webhookOrgConcurrency,
    clock: deps.clock,
  });
  const documents = new DocumentParser(settings.documents);
  return {
    settings,
    plans,
    chatBots: new ChatBotCache(settings.botCacheSeconds),
    defaultEmbedderId: openAiEmbedderId ?? localEmbedderId,
    localEmbedderId,
    openAiEmbedderId,
    embedderFor,
    answerer,
    offeredModels: () => offeredModels.get(),
    encryption: encryptionOf,
    ingestion,
    crawls,
    documents,
    webhooks,
    async close() {
      await Promise.all([crawls.stop(), ingestion.stop(), webhooks.stop(), documents.close()]);
      await Promise.all([...embedders.values()].map((embedder) => embedder.close?.()));
    },
  };
}

/**
 * The sentence model unless EMBEDDINGS=hash. A missing model stops the api at start with the
 * way to install it, rather than quietly indexing with word hashes.
 */
export function createLocalEmbedder(settings: BotPlatformSettings, log: Logger, hash: Embedder): Embedder {
  if (settings.localEmbeddings === 'hash') {
    log.warn('EMBEDDINGS=hash: bots embed with hashed word counts and find only the words of their pages');
    return hash;
  }
  return new LocalModelEmbedder({
    spec: DEFAULT_SENTENCE_MODEL,
    directory: locateSentenceModel(DEFAULT_SENTENCE_MODEL, settings.modelCacheDirectory),
    ...(settings.embeddingThreads ? { threads: settings.embeddingThreads } : {}),
    ...(settings.embeddingIngestNice !== undefined ? { ingestNice: settings.embeddingIngestNice } : {}),
  });
}
