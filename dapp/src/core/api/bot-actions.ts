import type { DappConfig } from '../config.js';
import { InvalidInputError } from '../errors.js';
import { apiRequest } from './api-request.js';
import type { Bot, BotInput } from './api-types.js';

export function listBots(config: DappConfig, parameters: { orgId: string }): Promise<Bot[]> {
  return apiRequest<{ bots: Bot[] }>(config, {
    path: `/v1/orgs/${encodeURIComponent(parameters.orgId)}/bots`,
  }).then((body) => body.bots);
}

export function getBot(config: DappConfig, parameters: { botId: string }): Promise<Bot> {
  return apiRequest<Bot>(config, { path: `/v1/bots/${encodeURIComponent(parameters.botId)}` });
}

export function createBot(config: DappConfig, parameters: { orgId: string; bot: BotInput }): Promise<Bot> {
  assertBotInput(parameters.bot);
  return apiRequest<Bot>(config, {
    method: 'POST',
    path: `/v1/orgs/${encodeURIComponent(parameters.orgId)}/bots`,
    body: parameters.bot,
  });
}

export function updateBot(
  config: DappConfig,
  parameters: { botId: string; changes: Partial<BotInput> },
): Promise<Bot> {
  assertBotInput(parameters.changes);
  return apiRequest<Bot>(config, {
    method: 'PATCH',
    path: `/v1/bots/${encodeURIComponent(parameters.botId)}`,
    body: parameters.changes,
  });
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
