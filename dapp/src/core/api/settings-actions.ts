import type { DappConfig } from '../config.js';
import { InvalidInputError } from '../errors.js';
import { apiRequest } from './api-request.js';
import type { ApiKey, ApiKeyScope } from './api-types.js';

const orgPath = (orgId: string) => `/v1/orgs/${encodeURIComponent(orgId)}`;

export function listApiKeys(config: DappConfig, parameters: { orgId: string }): Promise<ApiKey[]> {
  return apiRequest<{ apiKeys: ApiKey[] }>(config, { path: `${orgPath(parameters.orgId)}/api-keys` }).then(
    (body) => body.apiKeys,
  );
}

/** The answer holds the key once (`key`); the api stores only its hash. */
export function createApiKey(
  config: DappConfig,
  parameters: { orgId: string; name: string; scopes: ApiKeyScope[]; expiresInDays?: number },
): Promise<ApiKey & { key: string }> {
  if (!parameters.name.trim()) throw new InvalidInputError('Name the key so you can recognise it later.');
  if (parameters.scopes.length === 0) throw new InvalidInputError('Give the key at least one permission.');
  return apiRequest(config, {
    method: 'POST',
    path: `${orgPath(parameters.orgId)}/api-keys`,
    body: {
      name: parameters.name.trim(),
      scopes: parameters.scopes,
      ...(parameters.expiresInDays ? { expiresInDays: parameters.expiresInDays } : {}),
    },
  });
}

export function revokeApiKey(
  config: DappConfig,
  parameters: { orgId: string; keyId: string },
): Promise<void> {
  return apiRequest(config, {
    method: 'DELETE',
    path: `${orgPath(parameters.orgId)}/api-keys/${encodeURIComponent(parameters.keyId)}`,
  });
}
