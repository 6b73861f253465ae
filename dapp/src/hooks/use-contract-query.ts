import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import type { BaseError } from '../core/errors.js';
import { type ContractQueryParameters, contractQueryOptions } from '../core/query/chain-query-options.js';
import { useConfig } from './config-provider.js';
import { useAccount } from './use-account.js';

export type UseContractQueryParameters = ContractQueryParameters;
export type UseContractQueryReturnType<T> = UseQueryResult<T, BaseError>;

/** A smart query; disabled until `contract` and `msg` are both known. */
export function useContractQuery<T = unknown>(
  parameters: UseContractQueryParameters,
): UseContractQueryReturnType<T> {
  const config = useConfig();
  useAccount(); // private queries re-key when the account changes
  return useQuery(contractQueryOptions<T>(config, parameters));
}
