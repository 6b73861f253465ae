/**
 * Query options of the chain actions (wagmi's `xQueryOptions`): framework-free, so they can be
 * used with `useQuery`, `prefetchQuery` or `fetchQuery` alike.
 */
import type { QueryClient } from '@tanstack/react-query';
import { type GetBalanceParameters, getBalance } from '../actions/get-balance.js';
import { getContracts } from '../actions/get-contracts.js';
import { queryContract } from '../actions/query-contract.js';
import { waitForTx } from '../actions/wait-for-tx.js';
import type { DappConfig } from '../config.js';
import { chainQueryNames, queryKeys } from './query-keys.js';

export function contractsQueryOptions(config: DappConfig) {
  return {
    queryKey: queryKeys.contracts({ chainId: config.chain.chainId }),
    queryFn: () => getContracts(config),
    staleTime: Number.POSITIVE_INFINITY,
  };
}

export function balanceQueryOptions(config: DappConfig, parameters: Partial<GetBalanceParameters>) {
  const { address, denom, token } = parameters;
  return {
    queryKey: queryKeys.balance({
      chainId: config.chain.chainId,
      address: address ?? '',
      ...(denom ? { denom } : {}),
      ...(token ? { token } : {}),
    }),
    queryFn: () => {
      if (!address) throw new Error('address is required');
      return getBalance(config, { address, ...(denom ? { denom } : {}), ...(token ? { token } : {}) });
    },
    enabled: Boolean(address),
  };
}

export interface ContractQueryParameters {
  contract: string | undefined;
  msg: object | undefined;
  /** a private query answered with the connected account's permit (billing, usage) */
  private?: boolean;
}

export function contractQueryOptions<T>(config: DappConfig, parameters: ContractQueryParameters) {
  const { contract, msg } = parameters;
  const account = config.account.get();
  const viewer = parameters.private && account.status === 'connected' ? account.address : undefined;
  return {
    queryKey: queryKeys.contractQuery({
      chainId: config.chain.chainId,
      contract: contract ?? '',
      msg: msg ?? {},
      ...(parameters.private ? { viewer: viewer ?? '' } : {}),
    }),
    queryFn: () => {
      if (!contract || !msg) throw new Error('contract and msg are required');
      return queryContract<T>(config, { contract, msg, ...(parameters.private ? { private: true } : {}) });
    },
    // A private query waits for a connected account, whose permit answers it.
    enabled: Boolean(contract && msg && (!parameters.private || viewer)),
  };
}

export function waitForTxQueryOptions(
  config: DappConfig,
  parameters: { txHash: string | undefined; timeoutMs?: number },
) {
  const { txHash } = parameters;
  return {
    queryKey: queryKeys.waitForTx({ chainId: config.chain.chainId, txHash: txHash ?? '' }),
    queryFn: () => {
      if (!txHash) throw new Error('txHash is required');
      return waitForTx(config, {
        txHash,
        ...(parameters.timeoutMs ? { timeoutMs: parameters.timeoutMs } : {}),
      });
    },
    enabled: Boolean(txHash),
    // A transaction in a block stays there: never refetch it.
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  };
}

/** After a transaction, every balance and contract read of this chain may have changed. */
export function invalidateChainQueries(queryClient: QueryClient, config: DappConfig): Promise<void> {
  const chainId = config.chain.chainId;
  return Promise.all(
    chainQueryNames.map((name) => queryClient.invalidateQueries({ queryKey: [name, { chainId }] })),
  ).then(() => undefined);
}
