import {
  type UseMutationResult,
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Bot, BotAnswerer, BotInput, Reembedding } from '../core/api/api-types.js';
import { createBot, deleteBot, setBotPublished, updateBot } from '../core/api/bot-actions.js';
import type { BaseError } from '../core/errors.js';
import {
  botAnswererQueryOptions,
  botQueryOptions,
  botsQueryOptions,
  reembeddingQueryOptions,
} from '../core/query/api-query-options.js';
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
    // An embedder change starts a re-embedding: its progress is polled from here on.
    queryClient.invalidateQueries({ queryKey: ['reembedding', { orgId: bot.orgId, botId: bot.id }] }),
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

export type UseBotAnswererReturnType = UseQueryResult<BotAnswerer, BaseError>;

/** Who answers the bot's visitors; asked again when the page regains focus (an operator may fix it). */
export function useBotAnswerer(parameters: UseBotParameters): UseBotAnswererReturnType {
  return useQuery(botAnswererQueryOptions(useConfig(), parameters));
}

export type UseReembeddingReturnType = UseQueryResult<Reembedding | null, BaseError>;

/**
 * The background re-embedding after an embedder change, polled every second while it runs.
 * When it ends the bot itself is read again: its embedder has switched.
 */
export function useReembedding(parameters: UseBotParameters): UseReembeddingReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { orgId, botId } = parameters;
  const query = useQuery({
    ...reembeddingQueryOptions(config, parameters),
    refetchInterval: (q) => (q.state.data ? 1000 : false),
  });
  const running = useRef(false);
  useEffect(() => {
    if (query.data) running.current = true;
    else if (query.data === null && running.current) {
      running.current = false;
      void queryClient.invalidateQueries({ queryKey: ['bot', { orgId, botId }] });
    }
  }, [query.data, queryClient, orgId, botId]);
  return query;
}
