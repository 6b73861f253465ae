/**
 * Typed thin client of the usage contract over any ChainClient. Besides the generic typed
 * `query`/`execute`, it names what the gateway, the relayer and auditors call.
 */
import type { ChainClient, TxResult } from '../chain/chain-client.js';
import { type TypedContract, typedContract, type VariantArgs } from './typed-contract.js';
import type { Binary, ExecuteMsg, QueryMsg, SignerMode, UsageMessages } from './usage.js';

export interface UsageClient extends TypedContract<ExecuteMsg, QueryMsg, UsageMessages['responses']> {
  /** admin only: registers a gateway's attestation key (base64 compressed secp256k1) */
  registerSigner(params: { pubkey: Binary; attestationHash: Binary; mode: SignerMode }): Promise<TxResult>;
  /** relayers only */
  submitBatch(params: VariantArgs<ExecuteMsg, 'submit_batch'>): Promise<TxResult>;
  /** relayers only: settlement v2, `encodeSubmitReceipt(signed)` from `@privexbot/schema/receipt` */
  submitReceipt(params: VariantArgs<ExecuteMsg, 'submit_receipt'>): Promise<TxResult>;
  /** the last accepted sequence of a signer (0 before its first batch), as a bigint */
  lastSeq(signer: Binary): Promise<bigint>;
}

export function usageClient(chain: ChainClient, address: string): UsageClient {
  const contract = typedContract<ExecuteMsg, QueryMsg, UsageMessages['responses']>(chain, address);
  return {
    ...contract,
    registerSigner: ({ pubkey, attestationHash, mode }) =>
      contract.execute('register_signer', { pubkey, attestation_hash: attestationHash, mode }),
    submitBatch: (params) => contract.execute('submit_batch', params),
    submitReceipt: (params) => contract.execute('submit_receipt', params),
    async lastSeq(signer) {
      const { last_seq } = await contract.query('last_seq', { signer });
      return BigInt(last_seq);
    },
  };
}
