import type { QueryPermit } from '@privexbot/schema/chain';
import type { DappConfig } from '../config.js';
import { UserRejectedRequestError } from '../errors.js';
import { type AminoSigner, signQueryPermitWith } from '../wallet/sign-query-permit.js';
import { requireConnectedAccount } from './connect-wallet.js';
import { resolveContract } from './get-contracts.js';

/** The contracts with private queries, and the permission each one's permits grant. */
export type PrivateContract = 'billing' | 'usage';
const PERMISSION: Record<PrivateContract, string> = { billing: 'billing', usage: 'usage' };
const PERMIT_NAME = 'privexbot-dapp';
const storageKey = (chainId: string, address: string, contract: string) =>
  `privexbot.permit.${chainId}.${address}.${contract}`;

/**
 * A SNIP-24 query permit of the connected account for one contract's private queries, signed
 * once (amino, never broadcast, no fee) and kept in storage: it only lets that contract answer
 * this account's own private queries.
 */
export async function getQueryPermit(config: DappConfig, contract: PrivateContract): Promise<QueryPermit> {
  const account = requireConnectedAccount(config, 'read private data');
  const address = await resolveContract(config, contract);
  const key = storageKey(config.chain.chainId, account.address, address);
  const saved = config.storage.getItem(key);
  if (saved) return JSON.parse(saved) as QueryPermit;
  const wallet = config.wallet.current;
  if (!wallet) throw new UserRejectedRequestError('sign a query permit');
  try {
    const signer = wallet.getOfflineSignerOnlyAmino(config.chain.walletChainId) as unknown as AminoSigner;
    const permit = await signQueryPermitWith(signer, account.address, {
      chainId: config.chain.chainId,
      permitName: PERMIT_NAME,
      allowedTokens: [address],
      permissions: [PERMISSION[contract]],
    });
    config.storage.setItem(key, JSON.stringify(permit));
    return permit;
  } catch (cause) {
    throw new UserRejectedRequestError('sign a query permit', { cause });
  }
}

/** `{ subscription: { org_id } }` → `{ subscription: { org_id, auth: { permit } } }`: where both contracts take it. */
export function withPermitAuth(msg: object, permit: QueryPermit): object {
  const [name, body] = Object.entries(msg)[0] ?? [];
  if (!name || typeof body !== 'object' || body === null)
    throw new Error('a query message has one top-level field');
  return { [name]: { ...body, auth: { permit } } };
}
