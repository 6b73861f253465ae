/**
 * Shapes of the api's `/v1` resources as the dapp's pages use them. The api's own shapes
 * (`/openapi.json`) are mapped to these in the actions (bot-actions.ts, source-actions.ts), so
 * a change of the wire format stays in one place.
 */
export type BotPosition = 'bottom-right' | 'bottom-left';

export interface Bot {
  id: string;
  orgId: string;
  name: string;
  systemPrompt: string;
  model: string;
  temperature: number;
  welcomeMessage: string;
  /** What visitors read when nothing the bot knows answers them; empty: a neutral line. */
  fallbackMessage: string;
  color: string;
  position: BotPosition;
  allowedOrigins: string[];
  /** The widget offers visitors a lead form (email with consent) after the first answer. */
  leadCapture: boolean;
  /** Visitors can chat with it (widget, public chat) only once it is published. */
  published: boolean;
  createdAt?: string;
  /** Where `lead.created` events are POSTed; the secret is write-only. */
  webhook?: { url: string; hasSecret: boolean } | null;
  /** The consent sentence the widget shows beside the lead form. */
  consentText?: string;
  /** What indexes its knowledge: the sentence model on the server, word hashes, or OpenAI's. */
  embedder?: EmbedderKind;
}

export type EmbedderKind = 'local' | 'hash' | 'openai';

/** Who answers the bot's visitors (`GET …/bots/:botId/answerer`). */
export interface BotAnswerer {
  /** `offline`: no language model is configured; answers quote the best-matching knowledge. */
  mode: 'model' | 'offline' | 'none';
  model: string;
}

/** A background re-embedding after an embedder change (`GET …/bots/:botId/reembedding`). */
export interface Reembedding {
  embedder: string;
  chunksDone: number;
  chunksTotal: number;
}

export type BotInput = Omit<
  Bot,
  'id' | 'orgId' | 'createdAt' | 'published' | 'webhook' | 'consentText' | 'embedder'
> & { embedder?: EmbedderKind };

export type SourceStatus = 'pending' | 'processing' | 'ready' | 'failed';

export interface KnowledgeSource {
  id: string;
  botId: string;
  type: 'text' | 'file' | 'url' | 'website';
  name: string;
  citable: boolean;
  status: SourceStatus;
  /** ingestion progress, 0..100 */
  progress: number;
  bytes?: number;
  error?: string;
}

export interface Citation {
  sourceId: string;
  title: string;
  url?: string;
  snippet?: string;
}

/** What an org API key may do (the api's `apiKeyScopes`). */
export const API_KEY_SCOPES = [
  'org:read',
  'audit:read',
  'bots:read',
  'bots:write',
  'knowledge:write',
  'conversations:read',
  'chat',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKey {
  id: string;
  name: string;
  /** the first characters, to recognise it; the key is shown once, at creation */
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Off-chain counters of one UTC day (the api's UsageDaily). */
export interface OffChainUsageDay {
  /** unix seconds / 86400, as the usage contract counts days */
  day: number;
  conversations: number;
  messages: number;
  promptTokens: number;
  completionTokens: number;
  leads: number;
}
