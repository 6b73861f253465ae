import { fromBase64, fromHex, toBase64, toHex } from '@cosmjs/encoding';
import type { SubmitBatchMsg } from '@privexbot/schema/attestation';
import type { ChainClient, TxResult } from '@privexbot/schema/chain';
import { ChainError, ContractError } from '@privexbot/schema/chain/errors';

/** A batch header as the usage contract returns it (msg.rs `BatchHeader`). */
export interface ChainBatchHeader {
  id: number;
  signer: string; // base64
  first_seq: string;
  last_seq: string;
  count: number;
  merkle_root: string; // base64
  time: string;
  height: number;
  relayer: string;
  prompt_tokens: string;
  completion_tokens: string;
}

export interface SignerRegistration {
  pubkey: string;
  mode: 'tee' | 'dev';
  revoked_at: string | null;
  last_seq: string;
}

/**
 * The usage contract as the relayer needs it, over any ChainClient adapter. Keys are hex in
 * the relayer and base64 on the wire; this is the one place that converts.
 */
export class UsageContract {
  constructor(
    readonly chain: ChainClient,
    readonly address: string,
  ) {}

  async lastSeq(signerHex: string): Promise<bigint> {
    const { last_seq } = await this.chain.query<{ last_seq: string }>(this.address, {
      last_seq: { signer: toBase64(fromHex(signerHex)) },
    });
    return BigInt(last_seq);
  }

  /** The signer's registration, or undefined when the contract does not know the key. */
  async signer(signerHex: string): Promise<SignerRegistration | undefined> {
    try {
      return await this.chain.query<SignerRegistration>(this.address, {
        signer: { pubkey: toBase64(fromHex(signerHex)) },
      });
    } catch (error) {
      if (error instanceof ChainError && error.code === 'NOT_FOUND') return undefined;
      if (error instanceof ContractError && /unknown signer|not found/i.test(error.contractMessage))
        return undefined;
      throw error;
    }
  }

  /** The contract's `max_batch_size`: a larger batch is refused whole. */
  async maxBatchSize(): Promise<number> {
    const { max_batch_size } = await this.chain.query<{ max_batch_size: number }>(this.address, {
      config: {},
    });
    return Number(max_batch_size);
  }

  async batchTotal(): Promise<number> {
    const { total } = await this.chain.query<{ total: number }>(this.address, {
      batches: { start: 0, limit: 1 },
    });
    return Number(total);
  }

  async batches(start: number, limit: number): Promise<{ batches: ChainBatchHeader[]; total: number }> {
    const page = await this.chain.query<{ batches: ChainBatchHeader[]; total: number }>(this.address, {
      batches: { start, limit },
    });
    return { batches: page.batches, total: Number(page.total) };
  }

  /** Submits and waits until the transaction is in a block; returns the batch id the contract assigned. */
  async submitBatch(msg: SubmitBatchMsg): Promise<{ tx: TxResult; batchId: bigint }> {
    const sent = await this.chain.execute(this.address, { submit_batch: msg });
    const tx = await this.chain.waitForTx(sent.txHash, { timeoutMs: 60_000 });
    const batchId = eventAttribute(tx, 'batch_id') ?? eventAttribute(sent, 'batch_id');
    if (batchId === undefined) throw new Error(`transaction ${tx.txHash} carries no batch_id attribute`);
    return { tx, batchId: BigInt(batchId) };
  }
}

function eventAttribute(tx: TxResult, key: string): string | undefined {
  for (const event of tx.events) {
    for (const attribute of event.attributes) if (attribute.key === key) return attribute.value;
  }
  return undefined;
}

export function headerSignerHex(header: ChainBatchHeader): string {
  return toHex(fromBase64(header.signer));
}

export function headerRootHex(header: ChainBatchHeader): string {
  return toHex(fromBase64(header.merkle_root));
}
