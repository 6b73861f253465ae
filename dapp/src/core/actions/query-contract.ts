import { getChainClient } from '../chain/get-chain-client.js';
import { toDappError } from '../chain/to-dapp-error.js';
import type { DappConfig } from '../config.js';
import { resolveContract } from './get-contracts.js';
import { withPermitAuth, withQueryPermit } from './get-query-permit.js';

export interface QueryContractParameters {
  /** an address, or 'billing' | 'usage' | 'token' */
  contract: string;
  msg: object;
  /** a private query: the connected account's query permit is added as `auth` */
  private?: boolean;
}

export async function queryContract<T = unknown>(
  config: DappConfig,
  parameters: QueryContractParameters,
): Promise<T> {
  try {
    const client = await getChainClient(config, { signing: false });
    const address = await resolveContract(config, parameters.contract);
    if (!parameters.private) return await client.query<T>(address, parameters.msg);
    const contract = parameters.contract;
    if (contract !== 'billing' && contract !== 'usage')
      throw new Error('private queries name their contract');
    return await withQueryPermit(config, contract, (permit) =>
      client.query<T>(address, withPermitAuth(parameters.msg, permit)),
    );
  } catch (error) {
    throw toDappError(error);
  }
}
