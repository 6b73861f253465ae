import { z } from 'zod';
import type { Bot } from '../../generated/prisma/client.js';
import { LOCAL_EMBEDDER_ID } from '../embeddings/local-hash-embedder.js';
import { consentOf } from '../leads/consent-text.js';

export const botViewSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  systemPrompt: z.string(),
  model: z.string(),
  temperature: z.number(),
  maxTokens: z.number(),
  welcomeMessage: z.string(),
  fallbackMessage: z.string(),
  theme: z.record(z.string(), z.unknown()),
  position: z.enum(['bottom-right', 'bottom-left']),
  allowedOrigins: z.array(z.string()),
  /** Strings no answer may say (members only; never in the public view). */
  secrets: z.array(z.string()),
  rateLimits: z.object({
    visitorPerMinute: z.number(),
    botPerMinute: z.number(),
    visitorDailyTokens: z.number(),
  }),
  leadCapture: z.object({
    enabled: z.boolean(),
    prompt: z.string().optional(),
    askName: z.boolean().optional(),
    consentText: z.string().optional(),
  }),
  webhook: z.object({ url: z.string(), hasSecret: z.boolean() }).nullable(),
  published: z.boolean(),
  publishedAt: z.string().nullable(),
  embedder: z.object({ id: z.string(), kind: z.enum(['local', 'hash', 'openai']) }),
  /** The embedder the bot is being re-embedded with; `embedder` serves retrieval until it is done. */
  reembeddingTo: z.object({ id: z.string(), kind: z.enum(['local', 'hash', 'openai']) }).nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type BotView = z.infer<typeof botViewSchema>;

export function embedderKindOf(embedderId: string): 'local' | 'hash' | 'openai' {
  if (embedderId === LOCAL_EMBEDDER_ID) return 'hash';
  return embedderId.startsWith('openai:') ? 'openai' : 'local';
}

/** What members see of a bot; the webhook secret is write-only. */
export function botView(bot: Bot): BotView {
  const leadCapture = (bot.leadCapture ?? {}) as Record<string, unknown>;
  return {
    id: bot.id,
    orgId: bot.orgId,
    name: bot.name,
    systemPrompt: bot.systemPrompt,
    model: bot.model,
    temperature: bot.temperature,
    maxTokens: bot.maxTokens,
    welcomeMessage: bot.welcomeMessage,
    fallbackMessage: bot.fallbackMessage,
    theme: (bot.theme ?? {}) as Record<string, unknown>,
    position: bot.position === 'bottom_left' ? 'bottom-left' : 'bottom-right',
    allowedOrigins: bot.allowedOrigins,
    secrets: bot.secrets,
    rateLimits: {
      visitorPerMinute: bot.visitorRateLimitPerMin,
      botPerMinute: bot.botRateLimitPerMin,
      visitorDailyTokens: bot.visitorDailyTokenCap,
    },
    leadCapture: { ...leadCapture, enabled: bot.leadCaptureEnabled },
    webhook: bot.webhookUrl ? { url: bot.webhookUrl, hasSecret: bot.webhookSecretEncrypted !== null } : null,
    published: bot.published,
    publishedAt: bot.publishedAt?.toISOString() ?? null,
    embedder: { id: bot.embedder, kind: embedderKindOf(bot.embedder) },
    reembeddingTo: bot.embedderNext ? { id: bot.embedderNext, kind: embedderKindOf(bot.embedderNext) } : null,
    createdBy: bot.createdBy,
    createdAt: bot.createdAt.toISOString(),
    updatedAt: bot.updatedAt.toISOString(),
  };
}

/** What anyone may read of a published bot: the widget's `GET /v1/bots/:botId/public`. */
export const publicBotViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  welcomeMessage: z.string(),
  theme: z.object({
    color: z.string().optional(),
    textColor: z.string().optional(),
    fontFamily: z.string().optional(),
    position: z.enum(['bottom-right', 'bottom-left']),
  }),
  leadCapture: z.object({
    enabled: z.boolean(),
    prompt: z.string().optional(),
    askName: z.boolean().optional(),
    /** The consent sentence to show, word for word (the bot's, or the default one). */
    consentText: z.string(),
    /** Send it back with the lead (`consentVersion`): the lead records this text. */
    consentVersion: z.string(),
  }),
});

export function publicBotView(bot: Bot): z.infer<typeof publicBotViewSchema> {
  const view = botView(bot);
  const consent = consentOf(bot);
  return {
    id: view.id,
    name: view.name,
    welcomeMessage: view.welcomeMessage,
    theme: {
      ...(view.theme as { color?: string; textColor?: string; fontFamily?: string }),
      position: view.position,
    },
    leadCapture: { ...view.leadCapture, consentText: consent.text, consentVersion: consent.version },
  };
}
