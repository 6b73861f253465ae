import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import type { ReadName, ReadResult, TypedContractName } from '../core/contracts/contract-messages.js';
import type { BaseError } from '../core/errors.js';
import {
  type ReadContractQueryParameters,
  readContractQueryOptions,
} from '../core/query/contract-call-options.js';
import { useConfig } from './config-provider.js';
import { useAccount } from './use-account.js';

export type UseReadContractParameters<
  C extends TypedContractName,
  N extends ReadName<C>,
> = ReadContractQueryParameters<C, N>;
export type UseReadContractReturnType<C extends TypedContractName, N extends ReadName<C>> = UseQueryResult<
  ReadResult<C, N>,
  BaseError
>;

/** A typed contract query: `useReadContract({ contract: 'billing', name: 'plans', args: {} })`. */
export function useReadContract<C extends TypedContractName, N extends ReadName<C>>(
  parameters: UseReadContractParameters<C, N>,
): UseReadContractReturnType<C, N> {
  const config = useConfig();
  useAccount(); // private queries re-key when the account changes
  return useQuery(readContractQueryOptions(config, parameters));
}
