import { type UseQueryResult, useQueries, useQuery } from '@tanstack/react-query';
import type { OnChainUsage } from '../core/actions/get-on-chain-usage.js';
import type { OffChainUsageDay } from '../core/api/api-types.js';
import type { BotUsage } from '../core/api/get-bot-usage.js';
import type { QuotaNotice } from '../core/api/get-quota-notices.js';
import type { BaseError } from '../core/errors.js';
import {
  botUsageQueryOptions,
  offChainUsageQueryOptions,
  onChainUsageQueryOptions,
  quotaNoticesQueryOptions,
} from '../core/query/api-query-options.js';
import { useConfig } from './config-provider.js';
import { useAccount } from './use-account.js';

export interface UseUsageParameters {
  orgId: string | undefined;
  fromDay: number;
  toDay: number;
}

export function useOnChainUsage(parameters: UseUsageParameters): UseQueryResult<OnChainUsage, BaseError> {
  const config = useConfig();
  useAccount(); // re-render (and re-key) when the account changes
  return useQuery(onChainUsageQueryOptions(config, parameters));
}

export function useOffChainUsage(
  parameters: UseUsageParameters,
): UseQueryResult<OffChainUsageDay[], BaseError> {
  const config = useConfig();
  return useQuery(offChainUsageQueryOptions(config, parameters));
}

/** Each bot's daily messages (the api's analytics), one query per bot. */
export function useBotsUsage(
  parameters: UseUsageParameters & { botIds: string[] },
): UseQueryResult<BotUsage, BaseError>[] {
  const config = useConfig();
  const { botIds, ...range } = parameters;
  return useQueries({ queries: botIds.map((botId) => botUsageQueryOptions(config, { ...range, botId })) });
}

/** The 70/85/95 % marks of the plan's message quota the org crossed (the api's quota notices). */
export function useQuotaNotices(parameters: {
  orgId: string | undefined;
}): UseQueryResult<QuotaNotice[], BaseError> {
  return useQuery(quotaNoticesQueryOptions(useConfig(), parameters));
}
