/**
 * The platform's chain reader: the account the api reads every org's plan and on-chain usage
 * as (CHAIN_READER_ADDRESS, CHAIN_READER_VIEWING_KEY), which each org names as an auditor (the
 * dapp offers it at org creation). Its viewing key must be set on both contracts, signed by
 * the reader itself. One way to do it, used by the deploy on every network and by `npm start`
 * on the devnet (scripts/start/prepare-devnet.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ChainClient } from '@privexbot/schema/chain';

export interface ChainReader {
  address: string;
  /** A secret: it reads every org that named the reader. Never logged. */
  viewingKey: string;
}

/** A fresh viewing key: 256 random bits, in characters any env file or shell takes as is. */
export function newViewingKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Sets `viewingKey` as the reader's key on billing and usage. `reader` signs as the reader's
 * account. Setting the same key again is harmless, so restarts may repeat it.
 */
export async function setUpChainReader(
  reader: ChainClient,
  contracts: { billing: string; usage: string },
  viewingKey: string,
): Promise<ChainReader> {
  const address = reader.address;
  if (!address) throw new Error("setting the chain reader's viewing key needs the reader's signing client");
  for (const [name, contract] of Object.entries(contracts)) {
    try {
      await reader.execute(contract, { set_viewing_key: { key: viewingKey } });
    } catch (error) {
      // The message of a failed execute never contains the key (it names the contract).
      throw new Error(
        `setting the chain reader's viewing key on ${name} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  return { address, viewingKey };
}
