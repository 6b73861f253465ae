import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import type { GetBalanceParameters, GetBalanceReturnType } from '../core/actions/get-balance.js';
import type { BaseError } from '../core/errors.js';
import { balanceQueryOptions } from '../core/query/chain-query-options.js';
import { useConfig } from './config-provider.js';

export type UseBalanceParameters = Partial<GetBalanceParameters>;
export type UseBalanceReturnType = UseQueryResult<GetBalanceReturnType, BaseError>;

export function useBalance(parameters: UseBalanceParameters): UseBalanceReturnType {
  const config = useConfig();
  return useQuery(balanceQueryOptions(config, parameters));
}
