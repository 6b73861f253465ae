import {
  type UseMutationResult,
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { ApiKey, ApiKeyScope } from '../core/api/api-types.js';
import { createApiKey, revokeApiKey } from '../core/api/settings-actions.js';
import type { BaseError } from '../core/errors.js';
import { apiKeysQueryOptions } from '../core/query/api-query-options.js';
import { useConfig } from './config-provider.js';

export type UseApiKeysReturnType = UseQueryResult<ApiKey[], BaseError>;

export function useApiKeys(parameters: { orgId: string | undefined }): UseApiKeysReturnType {
  const config = useConfig();
  return useQuery(apiKeysQueryOptions(config, parameters));
}

export interface CreateApiKeyVariables {
  name: string;
  scopes: ApiKeyScope[];
  expiresInDays?: number;
}

export function useCreateApiKey(parameters: {
  orgId: string;
}): UseMutationResult<ApiKey & { key: string }, BaseError, CreateApiKeyVariables> {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { orgId } = parameters;
  return useMutation({
    mutationFn: (variables: CreateApiKeyVariables) => createApiKey(config, { orgId, ...variables }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['apiKeys', { orgId }] }),
  });
}

export function useRevokeApiKey(parameters: {
  orgId: string;
}): UseMutationResult<void, BaseError, { keyId: string }> {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { orgId } = parameters;
  return useMutation({
    mutationFn: ({ keyId }: { keyId: string }) => revokeApiKey(config, { orgId, keyId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['apiKeys', { orgId }] }),
  });
}
