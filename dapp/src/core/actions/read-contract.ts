import { billingClient, type TypedContract, usageClient } from '@privexbot/schema/contracts';
import { getChainClient } from '../chain/get-chain-client.js';
import { toDappError } from '../chain/to-dapp-error.js';
import type { DappConfig } from '../config.js';
import {
  type ContractMessages,
  isPrivateQuery,
  type ReadArgs,
  type ReadName,
  type ReadResult,
  type TypedContractName,
} from '../contracts/contract-messages.js';
import { resolveContract } from './get-contracts.js';
import { withQueryPermit } from './get-query-permit.js';

export interface ReadContractParameters<C extends TypedContractName, N extends ReadName<C>> {
  contract: C;
  name: N;
  args: ReadArgs<C, N>;
}

type ClientOf<C extends TypedContractName> = TypedContract<
  ContractMessages[C]['execute'],
  ContractMessages[C]['query'],
  ContractMessages[C]['responses']
>;

/** The generated client of a contract, over the read-only or the signing ChainClient. */
export async function contractClient<C extends TypedContractName>(
  config: DappConfig,
  contract: C,
  options: { signing: boolean },
): Promise<ClientOf<C>> {
  const chain = await getChainClient(config, options);
  const address = await resolveContract(config, contract);
  return (
    contract === 'billing' ? billingClient(chain, address) : usageClient(chain, address)
  ) as ClientOf<C>;
}

/** One typed query; a private one is answered with the connected account's query permit. */
export async function readContract<C extends TypedContractName, N extends ReadName<C>>(
  config: DappConfig,
  parameters: ReadContractParameters<C, N>,
): Promise<ReadResult<C, N>> {
  const { contract, name, args } = parameters;
  try {
    const client = await contractClient(config, contract, { signing: false });
    // The generic client checks the name against the union; the arguments were checked above.
    const read = async (withAuth: unknown) =>
      (await client.query(name, withAuth as never)) as ReadResult<C, N>;
    if (!isPrivateQuery(contract, name)) return await read(args);
    // A revoked permit is replaced by a freshly signed one under a new name, once.
    return await withQueryPermit(config, contract, (permit) => read({ ...args, auth: { permit } }));
  } catch (error) {
    throw toDappError(error);
  }
}
