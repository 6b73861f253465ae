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
  listSources,
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
  const { orgId, botId } = parameters;
  const options = sourcesQueryOptions(config, { botId });
  return useQuery({
    ...options,
    // Sources live under their bot's org in the api; the key needs no org (bot ids are unique).
    queryFn: () => listSources(config, { orgId: orgId!, botId: botId! }),
    enabled: options.enabled && Boolean(orgId),
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
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sources', { botId }] }),
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
  return useMutation({
    mutationFn: (variables: { sourceId: string; citable: boolean }) =>
      setSourceCitable(config, { orgId, botId, ...variables }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sources', { botId }] }),
  });
}
