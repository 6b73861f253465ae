/**
 * SNIP-24 query permits: an account signs (amino, never broadcast) "these contracts may answer
 * these private queries for me". Signing and verification use secretjs's own permit utilities;
 * the contracts verify the same document on chain (Secret and vanilla targets alike).
 */
import type { StdSignDoc } from '@cosmjs/amino';
import { newPermit, type Permission, PermitError, validatePermit } from 'secretjs';
import type { QueryPermit } from './chain-client.js';
import { UnauthorizedError } from './errors.js';

/** Anything with amino signing: cosmjs Secp256k1HdWallet, secretjs AminoWallet, Keplr's amino signer. */
export interface AminoSigningWallet {
  getAccounts(): Promise<readonly { address: string; algo: string; pubkey: Uint8Array }[]>;
  signAmino(
    signerAddress: string,
    signDoc: StdSignDoc,
  ): Promise<{
    signed: StdSignDoc;
    signature: { pub_key: { type: string; value: string }; signature: string };
  }>;
}

export interface SignQueryPermitParams {
  owner: string;
  chainId: string;
  /** revocable by name with the contract's `revoke_permit` */
  permitName: string;
  allowedContracts: string[];
  /** SNIP-24 names ("owner", "balance", "history", "allowance") or a contract's own ("usage") */
  permissions: string[];
}

export async function signQueryPermit(
  wallet: AminoSigningWallet,
  params: SignQueryPermitParams,
): Promise<QueryPermit> {
  const permit = await newPermit(
    wallet as Parameters<typeof newPermit>[0],
    params.owner,
    params.chainId,
    params.permitName,
    params.allowedContracts,
    params.permissions as Permission[],
    false,
  );
  return permit as QueryPermit;
}

/**
 * Checks what a contract checks, off chain: the signature, that the signer is `address`, that
 * `contract` is allowed and `permissions` are granted. Throws UnauthorizedError otherwise.
 */
export function verifyQueryPermit(
  permit: QueryPermit,
  expected: { address: string; contract: string; permissions: string[] },
): void {
  try {
    validatePermit(
      permit as Parameters<typeof validatePermit>[0],
      expected.address,
      expected.contract,
      expected.permissions as Permission[],
      true,
    );
  } catch (error) {
    if (error instanceof PermitError) {
      throw new UnauthorizedError(`query permit refused: ${error.message}`, 'UNAUTHORIZED', { cause: error });
    }
    throw new UnauthorizedError('query permit refused: it is malformed', 'UNAUTHORIZED', { cause: error });
  }
}
