import {
  type UseMutationResult,
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { Bot } from '../core/api/api-types.js';
import { setBotWebhook } from '../core/api/bot-actions.js';
import {
  type ConversationFilter,
  type ConversationSummary,
  type EmbedRefusal,
  type Lead,
  sendTestWebhookEvent,
  type Transcript,
  type WebhookDelivery,
} from '../core/api/inbox-actions.js';
import type { BaseError } from '../core/errors.js';
import {
  conversationsQueryOptions,
  embedRefusalsQueryOptions,
  leadsQueryOptions,
  transcriptQueryOptions,
  webhookDeliveriesQueryOptions,
} from '../core/query/api-query-options.js';
import { useConfig } from './config-provider.js';

interface BotRef {
  orgId: string | undefined;
  botId: string | undefined;
}

export type UseConversationsParameters = BotRef & ConversationFilter;
export function useConversations(
  parameters: UseConversationsParameters,
): UseQueryResult<ConversationSummary[], BaseError> {
  return useQuery(conversationsQueryOptions(useConfig(), parameters));
}

export function useTranscript(
  parameters: BotRef & { conversationId: string | undefined },
): UseQueryResult<Transcript, BaseError> {
  return useQuery(transcriptQueryOptions(useConfig(), parameters));
}

/** Websites refused the bot's widget lately (not among its allowed origins). */
export function useEmbedRefusals(parameters: BotRef): UseQueryResult<EmbedRefusal[], BaseError> {
  return useQuery(embedRefusalsQueryOptions(useConfig(), parameters));
}

export function useLeads(parameters: BotRef): UseQueryResult<Lead[], BaseError> {
  return useQuery(leadsQueryOptions(useConfig(), parameters));
}

/** The delivery log; refetched every 2 s while a delivery is still pending (a test event just sent). */
export function useWebhookDeliveries(parameters: BotRef): UseQueryResult<WebhookDelivery[], BaseError> {
  return useQuery({
    ...webhookDeliveriesQueryOptions(useConfig(), parameters),
    refetchInterval: (query) => (query.state.data?.some((d) => d.status === 'pending') ? 2000 : false),
  });
}

export function useSendTestWebhook(parameters: {
  orgId: string;
  botId: string;
}): UseMutationResult<{ deliveryId: string }, BaseError, void> {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { orgId, botId } = parameters;
  return useMutation({
    mutationFn: () => sendTestWebhookEvent(config, { orgId, botId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['webhookDeliveries', { orgId, botId }] }),
  });
}

export function useSetBotWebhook(parameters: {
  orgId: string;
  botId: string;
}): UseMutationResult<Bot, BaseError, { url: string; secret: string } | null> {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { orgId, botId } = parameters;
  return useMutation({
    mutationFn: (webhook: { url: string; secret: string } | null) =>
      setBotWebhook(config, { orgId, botId, webhook }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['bot', { orgId, botId }] }),
  });
}
