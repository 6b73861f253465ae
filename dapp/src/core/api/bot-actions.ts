import type { DappConfig } from '../config.js';
import { InvalidInputError } from '../errors.js';
import { apiRequest } from './api-request.js';
import type { Bot, BotAnswerer, BotInput, EmbedderKind, Reembedding } from './api-types.js';

/** The api's bot (`botViewSchema`): theme and lead capture are nested objects there. */
type ApiBot = Omit<Bot, 'color' | 'leadCapture' | 'createdAt' | 'consentText' | 'embedder'> & {
  theme: { color?: string };
  leadCapture: { enabled: boolean; consentText?: string };
  createdAt: string;
  embedder?: { id: string; kind: EmbedderKind };
};

const DEFAULT_COLOR = '#3b2fc9';

function fromApi(bot: ApiBot): Bot {
  return {
    id: bot.id,
    orgId: bot.orgId,
    name: bot.name,
    systemPrompt: bot.systemPrompt,
    model: bot.model,
    temperature: bot.temperature,
    welcomeMessage: bot.welcomeMessage,
    fallbackMessage: bot.fallbackMessage,
    color: typeof bot.theme?.color === 'string' ? bot.theme.color : DEFAULT_COLOR,
    position: bot.position,
    allowedOrigins: bot.allowedOrigins,
    leadCapture: Boolean(bot.leadCapture?.enabled),
    published: bot.published,
    createdAt: bot.createdAt,
    webhook: bot.webhook ?? null,
    ...(bot.leadCapture?.consentText ? { consentText: bot.leadCapture.consentText } : {}),
    ...(bot.embedder ? { embedder: bot.embedder.kind } : {}),
  };
}

/** Only the fields given: a PATCH changes nothing else. */
function toApi(bot: Partial<BotInput>): Record<string, unknown> {
  const { color, leadCapture, ...rest } = bot;
  return {
    ...rest,
    ...(color === undefined ? {} : { theme: { color } }),
    ...(leadCapture === undefined ? {} : { leadCapture: { enabled: leadCapture } }),
  };
}

const botsPath = (orgId: string) => `/v1/orgs/${encodeURIComponent(orgId)}/bots`;
const botPath = (orgId: string, botId: string) => `${botsPath(orgId)}/${encodeURIComponent(botId)}`;

export function listBots(config: DappConfig, parameters: { orgId: string }): Promise<Bot[]> {
  return apiRequest<{ bots: ApiBot[] }>(config, { path: botsPath(parameters.orgId) }).then((body) =>
    body.bots.map(fromApi),
  );
}

export function getBot(config: DappConfig, parameters: { orgId: string; botId: string }): Promise<Bot> {
  return apiRequest<ApiBot>(config, { path: botPath(parameters.orgId, parameters.botId) }).then(fromApi);
}

export function createBot(config: DappConfig, parameters: { orgId: string; bot: BotInput }): Promise<Bot> {
  assertBotInput(parameters.bot);
  return apiRequest<ApiBot>(config, {
    method: 'POST',
    path: botsPath(parameters.orgId),
    body: toApi(parameters.bot),
  }).then(fromApi);
}

export function updateBot(
  config: DappConfig,
  parameters: { orgId: string; botId: string; changes: Partial<BotInput> },
): Promise<Bot> {
  assertBotInput(parameters.changes);
  return apiRequest<ApiBot>(config, {
    method: 'PATCH',
    path: botPath(parameters.orgId, parameters.botId),
    body: toApi(parameters.changes),
  }).then(fromApi);
}

/** Publishing opens the bot to visitors on its allowed origins; unpublishing closes it at once. */
export function setBotPublished(
  config: DappConfig,
  parameters: { orgId: string; botId: string; published: boolean },
): Promise<Bot> {
  return apiRequest<ApiBot>(config, {
    method: 'POST',
    path: `${botPath(parameters.orgId, parameters.botId)}/${parameters.published ? 'publish' : 'unpublish'}`,
  }).then(fromApi);
}

/** Deletes the bot with its knowledge, conversations, leads and webhook (the api cascades). */
export function deleteBot(config: DappConfig, parameters: { orgId: string; botId: string }): Promise<void> {
  return apiRequest<void>(config, { method: 'DELETE', path: botPath(parameters.orgId, parameters.botId) });
}

/** Who answers the bot's visitors: a model, the offline answerer (no model configured), or none. */
export function getBotAnswerer(
  config: DappConfig,
  parameters: { orgId: string; botId: string },
): Promise<BotAnswerer> {
  return apiRequest<BotAnswerer>(config, { path: `${botPath(parameters.orgId, parameters.botId)}/answerer` });
}

/** The re-embedding under way after an embedder change, or null once the bot has switched. */
export function getReembedding(
  config: DappConfig,
  parameters: { orgId: string; botId: string },
): Promise<Reembedding | null> {
  return apiRequest<{ reembedding: Reembedding | null }>(config, {
    path: `${botPath(parameters.orgId, parameters.botId)}/reembedding`,
  }).then((body) => body.reembedding);
}

/** Sets (url and secret) or removes (null) the bot's webhook. */
export function setBotWebhook(
  config: DappConfig,
  parameters: { orgId: string; botId: string; webhook: { url: string; secret: string } | null },
): Promise<Bot> {
  if (parameters.webhook) {
    if (!/^https?:\/\//.test(parameters.webhook.url))
      throw new InvalidInputError('The webhook URL starts with https://.');
    if (parameters.webhook.secret.length < 16)
      throw new InvalidInputError('The secret has at least 16 characters.');
  }
  return apiRequest<ApiBot>(config, {
    method: 'PATCH',
    path: botPath(parameters.orgId, parameters.botId),
    body: { webhook: parameters.webhook },
  }).then(fromApi);
}

/** The checks a user can fix before anything is sent; the api checks everything again. */
function assertBotInput(bot: Partial<BotInput>): void {
  if (bot.name !== undefined && bot.name.trim().length === 0)
    throw new InvalidInputError('A bot needs a name.');
  if (bot.temperature !== undefined && !(bot.temperature >= 0 && bot.temperature <= 2)) {
    throw new InvalidInputError('Temperature must be between 0 and 2.');
  }
  for (const origin of bot.allowedOrigins ?? []) {
    if (!isOrigin(origin))
      throw new InvalidInputError(`${origin} is not an origin like https://example.com.`);
  }
}

export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}
