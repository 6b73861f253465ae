import {
  type UseMutationResult,
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { KnowledgeSource } from '../core/api/api-types.js';
import {
  addTextOrUrlSource,
  deleteSource,
  reindexSource,
  setSourceCitable,
  uploadSource,
} from '../core/api/source-actions.js';
import type { BaseError } from '../core/errors.js';
import { sourcesQueryOptions } from '../core/query/api-query-options.js';
import { useConfig } from './config-provider.js';

export interface UseSourcesParameters {
  orgId: string | undefined;
  botId: string | undefined;
}
export type UseSourcesReturnType = UseQueryResult<KnowledgeSource[], BaseError>;

/** The bot's knowledge sources; polled every second while any of them is still being ingested. */
export function useSources(parameters: UseSourcesParameters): UseSourcesReturnType {
  const config = useConfig();
  return useQuery({
    ...sourcesQueryOptions(config, parameters),
    refetchInterval: (query) =>
      query.state.data?.some((source) => source.status === 'pending' || source.status === 'processing')
        ? 1000
        : false,
  });
}

type AddSourceVariables =
  | { kind: 'file'; file: File; citable: boolean; onProgress?: (fraction: number) => void }
  | { kind: 'text' | 'url'; name: string; content: string; citable: boolean };

export type UseAddSourceReturnType = UseMutationResult<KnowledgeSource, BaseError, AddSourceVariables>;

export function useAddSource(parameters: { orgId: string; botId: string }): UseAddSourceReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { orgId, botId } = parameters;
  return useMutation({
    mutationFn: (variables: AddSourceVariables) =>
      variables.kind === 'file'
        ? uploadSource(config, {
            orgId,
            botId,
            file: variables.file,
            citable: variables.citable,
            ...(variables.onProgress ? { onProgress: variables.onProgress } : {}),
          })
        : addTextOrUrlSource(config, { orgId, botId, type: variables.kind, ...variables }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sources', { orgId, botId }] }),
  });
}

export type UseSetSourceCitableReturnType = UseMutationResult<
  KnowledgeSource,
  BaseError,
  { sourceId: string; citable: boolean }
>;

export function useSetSourceCitable(parameters: {
  orgId: string;
  botId: string;
}): UseSetSourceCitableReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { orgId, botId } = parameters;
  const { queryKey } = sourcesQueryOptions(config, { orgId, botId });
  return useMutation({
    mutationFn: (variables: { sourceId: string; citable: boolean }) =>
      setSourceCitable(config, { orgId, botId, ...variables }),
    // The checkbox follows the click at once; a refusal puts the list back as it was.
    onMutate: async ({ sourceId, citable }) => {
      await queryClient.cancelQueries({ queryKey });
      const previous = queryClient.getQueryData<KnowledgeSource[]>(queryKey);
      queryClient.setQueryData<KnowledgeSource[]>(queryKey, (list) =>
        list?.map((source) => (source.id === sourceId ? { ...source, citable } : source)),
      );
      return { previous };
    },
    onError: (_error, _variables, context) => queryClient.setQueryData(queryKey, context?.previous),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['sources', { orgId, botId }] }),
  });
}

export type UseSourceActionReturnType = UseMutationResult<unknown, BaseError, { sourceId: string }>;

/** Deletes a source; the list refetches (and stops polling once nothing is ingesting). */
export function useDeleteSource(parameters: { orgId: string; botId: string }): UseSourceActionReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { orgId, botId } = parameters;
  return useMutation({
    mutationFn: ({ sourceId }: { sourceId: string }) => deleteSource(config, { orgId, botId, sourceId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sources', { orgId, botId }] }),
  });
}

/** Re-indexes a source; the list then polls its progress like an upload's. */
export function useReindexSource(parameters: { orgId: string; botId: string }): UseSourceActionReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { orgId, botId } = parameters;
  return useMutation({
    mutationFn: ({ sourceId }: { sourceId: string }) => reindexSource(config, { orgId, botId, sourceId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sources', { orgId, botId }] }),
  });
}
