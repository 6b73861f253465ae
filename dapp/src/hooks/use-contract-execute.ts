import { type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type ExecuteContractParameters,
  type ExecuteContractReturnType,
  executeContract,
} from '../core/actions/execute-contract.js';
import type { BaseError } from '../core/errors.js';
import { invalidateChainQueries } from '../core/query/chain-query-options.js';
import { recordTx } from '../core/tx-journal.js';
import { useConfig } from './config-provider.js';

export type UseContractExecuteParameters = ExecuteContractParameters;
export type UseContractExecuteReturnType = UseMutationResult<
  ExecuteContractReturnType,
  BaseError,
  ExecuteContractParameters
>;

/**
 * Signs and submits a contract call. Adapters resolve once the transaction is in a block, so
 * balances and contract reads are refetched as soon as it succeeds.
 */
export function useContractExecute(): UseContractExecuteReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['contractExecute', { chainId: config.chain.chainId }],
    mutationFn: (parameters: ExecuteContractParameters) => executeContract(config, parameters),
    onSuccess: (tx) => {
      recordTx(config.storage, { chainId: config.chain.chainId, height: tx.height, txHash: tx.txHash });
      return invalidateChainQueries(queryClient, config);
    },
  });
}
