import { getChainClient } from '../chain/get-chain-client.js';
import { toDappError } from '../chain/to-dapp-error.js';
import type { DappConfig } from '../config.js';
import { ChainNotConfiguredError } from '../errors.js';

export type ContractName = 'billing' | 'usage' | 'token';
export type GetContractsReturnType = Partial<Record<ContractName, string>>;

/** Contract addresses: from the settings, or, on the devnet, from its `/status`. */
export async function getContracts(config: DappConfig): Promise<GetContractsReturnType> {
  const configured = config.chain.contracts;
  if (config.chain.kind !== 'devnet') return configured;
  try {
    const client = (await getChainClient(config, { signing: false })) as unknown as {
      status(): Promise<{ contracts: Partial<Record<ContractName, { address: string }>> }>;
    };
    const { contracts } = await client.status();
    return {
      ...(contracts.billing ? { billing: contracts.billing.address } : {}),
      ...(contracts.usage ? { usage: contracts.usage.address } : {}),
      ...(contracts.token ? { token: contracts.token.address } : {}),
      ...configured,
    };
  } catch (error) {
    throw toDappError(error);
  }
}

/** A contract given by name ('billing') or by address. */
export async function resolveContract(config: DappConfig, contract: string): Promise<string> {
  if (contract !== 'billing' && contract !== 'usage' && contract !== 'token') return contract;
  const address = (await getContracts(config))[contract];
  if (!address) throw new ChainNotConfiguredError(`the ${contract} contract (not deployed)`);
  return address;
}
