import {
  type UseMutationResult,
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { Bot, BotInput } from '../core/api/api-types.js';
import { createBot, deleteBot, setBotPublished, updateBot } from '../core/api/bot-actions.js';
import type { BaseError } from '../core/errors.js';
import { botQueryOptions, botsQueryOptions } from '../core/query/api-query-options.js';
import { useConfig } from './config-provider.js';

export interface UseBotsParameters {
  orgId: string | undefined;
}
export type UseBotsReturnType = UseQueryResult<Bot[], BaseError>;

export function useBots(parameters: UseBotsParameters): UseBotsReturnType {
  const config = useConfig();
  return useQuery(botsQueryOptions(config, parameters));
}

export interface UseBotParameters {
  orgId: string | undefined;
  botId: string | undefined;
}
export type UseBotReturnType = UseQueryResult<Bot, BaseError>;

export function useBot(parameters: UseBotParameters): UseBotReturnType {
  const config = useConfig();
  return useQuery(botQueryOptions(config, parameters));
}

export type UseCreateBotReturnType = UseMutationResult<Bot, BaseError, { orgId: string; bot: BotInput }>;

export function useCreateBot(): UseCreateBotReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (parameters: { orgId: string; bot: BotInput }) => createBot(config, parameters),
    onSuccess: (_bot, { orgId }) => queryClient.invalidateQueries({ queryKey: ['bots', { orgId }] }),
  });
}

async function refreshBot(queryClient: ReturnType<typeof useQueryClient>, bot: Bot): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['bot', { orgId: bot.orgId, botId: bot.id }] }),
    queryClient.invalidateQueries({ queryKey: ['bots', { orgId: bot.orgId }] }),
  ]);
}

export interface UpdateBotVariables {
  orgId: string;
  botId: string;
  changes: Partial<BotInput>;
}
export type UseUpdateBotReturnType = UseMutationResult<Bot, BaseError, UpdateBotVariables>;

export function useUpdateBot(): UseUpdateBotReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (parameters: UpdateBotVariables) => updateBot(config, parameters),
    onSuccess: (bot) => refreshBot(queryClient, bot),
  });
}

export interface PublishBotVariables {
  orgId: string;
  botId: string;
  published: boolean;
}
export type UsePublishBotReturnType = UseMutationResult<Bot, BaseError, PublishBotVariables>;

export function usePublishBot(): UsePublishBotReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (parameters: PublishBotVariables) => setBotPublished(config, parameters),
    onSuccess: (bot) => refreshBot(queryClient, bot),
  });
}

export type UseDeleteBotReturnType = UseMutationResult<void, BaseError, { orgId: string; botId: string }>;

export function useDeleteBot(): UseDeleteBotReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (parameters: { orgId: string; botId: string }) => deleteBot(config, parameters),
    onSuccess: (_done, { orgId, botId }) => {
      queryClient.removeQueries({ queryKey: ['bot', { orgId, botId }] });
      return queryClient.invalidateQueries({ queryKey: ['bots', { orgId }] });
    },
  });
}
