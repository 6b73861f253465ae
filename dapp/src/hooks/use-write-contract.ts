import type { TxResult } from '@privexbot/schema/chain';
import { type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import type { WriteContractParameters } from '../core/actions/write-contract.js';
import type { BaseError } from '../core/errors.js';
import { writeContractMutationOptions } from '../core/query/contract-call-options.js';
import { useConfig } from './config-provider.js';

export type UseWriteContractParameters = WriteContractParameters;
export type UseWriteContractReturnType = UseMutationResult<TxResult, BaseError, WriteContractParameters>;

/**
 * Signs and submits a typed contract call. Adapters resolve once the transaction is in a
 * block, so balances and contract reads are refetched as soon as it succeeds.
 */
export function useWriteContract(): UseWriteContractReturnType {
  const config = useConfig();
  return useMutation(writeContractMutationOptions(config, useQueryClient()));
}
