/**
 * Query and mutation options of the typed contract calls (wagmi's `readContractQueryOptions` /
 * `writeContractMutationOptions`): framework-free, usable with `useQuery`, `fetchQuery` or
 * `useMutation`. Read keys are the `contractQuery` keys, so every transaction's
 * `invalidateChainQueries` refetches them.
 */

import type { TxResult } from '@privexbot/schema/chain';
import type { QueryClient } from '@tanstack/react-query';
import { type ReadContractParameters, readContract } from '../actions/read-contract.js';
import { type WriteContractParameters, writeContract } from '../actions/write-contract.js';
import type { DappConfig } from '../config.js';
import {
  isPrivateQuery,
  type ReadArgs,
  type ReadName,
  type ReadResult,
  type TypedContractName,
} from '../contracts/contract-messages.js';
import { recordTx } from '../tx-journal.js';
import { invalidateChainQueries } from './chain-query-options.js';
import { queryKeys } from './query-keys.js';

export interface ReadContractQueryParameters<C extends TypedContractName, N extends ReadName<C>> {
  contract: C;
  name: N;
  /** undefined while an argument (an org id, an address) is not known yet: the query waits */
  args: ReadArgs<C, N> | undefined;
}

export function readContractQueryOptions<C extends TypedContractName, N extends ReadName<C>>(
  config: DappConfig,
  parameters: ReadContractQueryParameters<C, N>,
) {
  const { contract, name, args } = parameters;
  const isPrivate = isPrivateQuery(contract, name);
  const account = config.account.get();
  const viewer = isPrivate && account.status === 'connected' ? account.address : undefined;
  return {
    queryKey: queryKeys.contractQuery({
      chainId: config.chain.chainId,
      contract,
      msg: { [name]: args ?? {} },
      ...(isPrivate ? { viewer: viewer ?? '' } : {}),
    }),
    queryFn: (): Promise<ReadResult<C, N>> => {
      if (!args) throw new Error(`${name} needs its arguments`);
      return readContract(config, { contract, name, args } as ReadContractParameters<C, N>);
    },
    // A private query waits for a connected account, whose permit answers it.
    enabled: Boolean(args && (!isPrivate || viewer)),
  };
}

export function writeContractMutationOptions(config: DappConfig, queryClient: QueryClient) {
  return {
    mutationKey: ['writeContract', { chainId: config.chain.chainId }] as const,
    mutationFn: (parameters: WriteContractParameters): Promise<TxResult> => writeContract(config, parameters),
    onSuccess: (tx: TxResult) => {
      recordTx(config.storage, { chainId: config.chain.chainId, height: tx.height, txHash: tx.txHash });
      return invalidateChainQueries(queryClient, config);
    },
  };
}
