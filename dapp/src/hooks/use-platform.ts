import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import type { PlatformInfo } from '../core/api/get-platform.js';
import type { BaseError } from '../core/errors.js';
import { platformQueryOptions } from '../core/query/api-query-options.js';
import { useConfig } from './config-provider.js';

export type UsePlatformReturnType = UseQueryResult<PlatformInfo, BaseError>;

/** The api's chain reader and chain id (`GET /v1/platform`). */
export function usePlatform(): UsePlatformReturnType {
  return useQuery(platformQueryOptions(useConfig()));
}
