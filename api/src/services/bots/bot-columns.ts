import type { Prisma } from '../../db/prisma.js';
import type { FieldEncryption } from '../leads/field-encryption.js';
import type { BotSettings } from './bot-settings.js';

/** Maps API settings onto Bot columns; only the keys present in `settings` are written. */
export function botColumns(
  settings: Partial<BotSettings>,
  resolve: { embedderId?: string; encryption: () => FieldEncryption },
): Prisma.BotUncheckedUpdateInput {
  const data: Prisma.BotUncheckedUpdateInput = {};
  if (settings.name !== undefined) data.name = settings.name;
  if (settings.systemPrompt !== undefined) data.systemPrompt = settings.systemPrompt;
  if (settings.model !== undefined) data.model = settings.model;
  if (settings.temperature !== undefined) data.temperature = settings.temperature;
  if (settings.maxTokens !== undefined) data.maxTokens = settings.maxTokens;
  if (settings.welcomeMessage !== undefined) data.welcomeMessage = settings.welcomeMessage;
  if (settings.fallbackMessage !== undefined) data.fallbackMessage = settings.fallbackMessage;
  if (settings.theme !== undefined) data.theme = settings.theme;
  if (settings.position !== undefined)
    data.position = settings.position === 'bottom-left' ? 'bottom_left' : 'bottom_right';
  if (settings.secrets !== undefined) data.secrets = [...new Set(settings.secrets)];
  if (settings.allowedOrigins !== undefined) data.allowedOrigins = [...new Set(settings.allowedOrigins)];
  if (settings.rateLimits?.visitorPerMinute !== undefined)
    data.visitorRateLimitPerMin = settings.rateLimits.visitorPerMinute;
  if (settings.rateLimits?.botPerMinute !== undefined)
    data.botRateLimitPerMin = settings.rateLimits.botPerMinute;
  if (settings.rateLimits?.visitorDailyTokens !== undefined)
    data.visitorDailyTokenCap = settings.rateLimits.visitorDailyTokens;
  if (settings.leadCapture !== undefined) {
    const { enabled, ...form } = settings.leadCapture;
    data.leadCaptureEnabled = enabled;
    data.leadCapture = form;
  }
  if (settings.webhook !== undefined) {
    data.webhookUrl = settings.webhook?.url ?? null;
    data.webhookSecretEncrypted = settings.webhook
      ? resolve.encryption().encrypt(settings.webhook.secret, 'webhook.secret')
      : null;
  }
  if (resolve.embedderId !== undefined) data.embedder = resolve.embedderId;
  return data;
}

/** Keeps the bot's Webhook row (what deliveries hang off) in step with its webhook setting. */
export async function syncBotWebhook(
  tx: Prisma.TransactionClient,
  botId: string,
  data: Prisma.BotUncheckedUpdateInput,
): Promise<void> {
  if (data.webhookUrl === undefined) return;
  await tx.webhook.updateMany({ where: { botId, active: true }, data: { active: false } });
  if (typeof data.webhookUrl === 'string' && typeof data.webhookSecretEncrypted === 'string') {
    await tx.webhook.create({
      data: {
        botId,
        url: data.webhookUrl,
        secretEncrypted: data.webhookSecretEncrypted,
        events: ['lead.created'],
      },
    });
  }
}
