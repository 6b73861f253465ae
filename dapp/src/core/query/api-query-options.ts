/**
 * Query options of the api's resources. Every key carries the signed-in address; queries stay
 * disabled until there is a session and their ids are known.
 */

import { getOnChainUsage } from '../actions/get-on-chain-usage.js';
import { getBot, getBotAnswerer, getReembedding, listBots } from '../api/bot-actions.js';
import { getBotUsage } from '../api/get-bot-usage.js';
import { getOffChainUsage } from '../api/get-off-chain-usage.js';
import { getPlatform } from '../api/get-platform.js';
import { getQuotaNotices } from '../api/get-quota-notices.js';
import {
  type ConversationFilter,
  getTranscript,
  listConversations,
  listEmbedRefusals,
  listLeads,
  listWebhookDeliveries,
} from '../api/inbox-actions.js';
import { listApiKeys } from '../api/settings-actions.js';
import { listSources } from '../api/source-actions.js';
import type { DappConfig } from '../config.js';
import { queryKeys } from './query-keys.js';

const sessionAddress = (config: DappConfig) => config.session.get()?.address ?? '';

export function botsQueryOptions(config: DappConfig, parameters: { orgId: string | undefined }) {
  const { orgId } = parameters;
  return {
    queryKey: queryKeys.bots({ address: sessionAddress(config), orgId: orgId ?? '' }),
    queryFn: () => listBots(config, { orgId: orgId! }),
    enabled: Boolean(orgId && config.session.get()),
  };
}

export function botQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string | undefined },
) {
  const { orgId, botId } = parameters;
  return {
    queryKey: queryKeys.bot({ address: sessionAddress(config), orgId: orgId ?? '', botId: botId ?? '' }),
    queryFn: () => getBot(config, { orgId: orgId!, botId: botId! }),
    enabled: Boolean(orgId && botId && config.session.get()),
  };
}

export function botAnswererQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string | undefined },
) {
  const { orgId, botId } = parameters;
  return {
    queryKey: queryKeys.botAnswerer({
      address: sessionAddress(config),
      orgId: orgId ?? '',
      botId: botId ?? '',
    }),
    queryFn: () => getBotAnswerer(config, { orgId: orgId!, botId: botId! }),
    enabled: Boolean(orgId && botId && config.session.get()),
  };
}

export function reembeddingQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string | undefined },
) {
  const { orgId, botId } = parameters;
  return {
    queryKey: queryKeys.reembedding({
      address: sessionAddress(config),
      orgId: orgId ?? '',
      botId: botId ?? '',
    }),
    queryFn: () => getReembedding(config, { orgId: orgId!, botId: botId! }),
    enabled: Boolean(orgId && botId && config.session.get()),
  };
}

export function sourcesQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string | undefined },
) {
  const { orgId, botId } = parameters;
  return {
    queryKey: queryKeys.sources({ address: sessionAddress(config), orgId: orgId ?? '', botId: botId ?? '' }),
    queryFn: () => listSources(config, { orgId: orgId!, botId: botId! }),
    enabled: Boolean(orgId && botId && config.session.get()),
  };
}

/** Public: needs no session. It changes only when the api is reconfigured, so it is not refetched. */
export function platformQueryOptions(config: DappConfig) {
  return {
    queryKey: queryKeys.platform({ apiUrl: config.apiUrl }),
    queryFn: () => getPlatform(config),
    staleTime: Number.POSITIVE_INFINITY,
  };
}

export function apiKeysQueryOptions(config: DappConfig, parameters: { orgId: string | undefined }) {
  const { orgId } = parameters;
  return {
    queryKey: queryKeys.apiKeys({ address: sessionAddress(config), orgId: orgId ?? '' }),
    queryFn: () => listApiKeys(config, { orgId: orgId! }),
    enabled: Boolean(orgId && config.session.get()),
  };
}

export function conversationsQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string | undefined } & ConversationFilter,
) {
  const { orgId, botId, q = '', from = '', to = '' } = parameters;
  return {
    queryKey: queryKeys.conversations({
      address: sessionAddress(config),
      orgId: orgId ?? '',
      botId: botId ?? '',
      q,
      from,
      to,
    }),
    queryFn: () => listConversations(config, { orgId: orgId!, botId: botId!, q, from, to }),
    enabled: Boolean(orgId && botId && config.session.get()),
  };
}

export function transcriptQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string | undefined; conversationId: string | undefined },
) {
  const { orgId, botId, conversationId } = parameters;
  return {
    queryKey: queryKeys.transcript({
      address: sessionAddress(config),
      orgId: orgId ?? '',
      botId: botId ?? '',
      conversationId: conversationId ?? '',
    }),
    queryFn: () => getTranscript(config, { orgId: orgId!, botId: botId!, conversationId: conversationId! }),
    enabled: Boolean(orgId && botId && conversationId && config.session.get()),
  };
}

export function leadsQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string | undefined },
) {
  const { orgId, botId } = parameters;
  return {
    queryKey: queryKeys.leads({ address: sessionAddress(config), orgId: orgId ?? '', botId: botId ?? '' }),
    queryFn: () => listLeads(config, { orgId: orgId!, botId: botId! }),
    enabled: Boolean(orgId && botId && config.session.get()),
  };
}

export function embedRefusalsQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string | undefined },
) {
  const { orgId, botId } = parameters;
  return {
    queryKey: queryKeys.embedRefusals({
      address: sessionAddress(config),
      orgId: orgId ?? '',
      botId: botId ?? '',
    }),
    queryFn: () => listEmbedRefusals(config, { orgId: orgId!, botId: botId! }),
    enabled: Boolean(orgId && botId && config.session.get()),
  };
}

export function webhookDeliveriesQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string | undefined },
) {
  const { orgId, botId } = parameters;
  return {
    queryKey: queryKeys.webhookDeliveries({
      address: sessionAddress(config),
      orgId: orgId ?? '',
      botId: botId ?? '',
    }),
    queryFn: () => listWebhookDeliveries(config, { orgId: orgId!, botId: botId! }),
    enabled: Boolean(orgId && botId && config.session.get()),
  };
}

export function botUsageQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; botId: string; fromDay: number; toDay: number },
) {
  const { orgId, botId, fromDay, toDay } = parameters;
  return {
    queryKey: queryKeys.botUsage({
      address: sessionAddress(config),
      orgId: orgId ?? '',
      botId,
      fromDay,
      toDay,
    }),
    queryFn: () => getBotUsage(config, { orgId: orgId!, botId, fromDay, toDay }),
    enabled: Boolean(orgId && config.session.get()),
  };
}

export function quotaNoticesQueryOptions(config: DappConfig, parameters: { orgId: string | undefined }) {
  const { orgId } = parameters;
  return {
    queryKey: queryKeys.quotaNotices({ address: sessionAddress(config), orgId: orgId ?? '' }),
    queryFn: () => getQuotaNotices(config, { orgId: orgId! }),
    enabled: Boolean(orgId && config.session.get()),
  };
}

export function offChainUsageQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; fromDay: number; toDay: number },
) {
  const { orgId, fromDay, toDay } = parameters;
  return {
    queryKey: queryKeys.offChainUsage({
      address: sessionAddress(config),
      orgId: orgId ?? '',
      fromDay,
      toDay,
    }),
    queryFn: () => getOffChainUsage(config, { orgId: orgId!, fromDay, toDay }),
    enabled: Boolean(orgId && config.session.get()),
  };
}

export function onChainUsageQueryOptions(
  config: DappConfig,
  parameters: { orgId: string | undefined; fromDay: number; toDay: number },
) {
  const { orgId, fromDay, toDay } = parameters;
  const account = config.account.get();
  const address = account.status === 'connected' ? account.address : '';
  return {
    queryKey: queryKeys.onChainUsage({
      chainId: config.chain.chainId,
      address,
      orgId: orgId ?? '',
      fromDay,
      toDay,
    }),
    queryFn: () => getOnChainUsage(config, { orgId: orgId!, fromDay, toDay }),
    enabled: Boolean(orgId && address),
  };
}
