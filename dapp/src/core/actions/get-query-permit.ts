import type { QueryPermit } from '@privexbot/schema/chain';
import type { DappConfig } from '../config.js';
import { UserRejectedRequestError } from '../errors.js';
import { type AminoSigner, signQueryPermitWith } from '../wallet/sign-query-permit.js';
import { requireConnectedAccount } from './connect-wallet.js';
import { resolveContract } from './get-contracts.js';

/** The contracts with private queries, and the permission each one's permits grant. */
export type PrivateContract = 'billing' | 'usage';
const PERMISSION: Record<PrivateContract, string> = { billing: 'billing', usage: 'usage' };
/**
 * Every permit gets a name of its own (`privexbot-dapp-<time in base 36>-<random>`). Contracts refuse
 * a revoked name for ever: with one fixed name, a user who revoked the dapp's permit could
 * never let the dapp read that contract again. A fresh name is signed after a revocation.
 */
export const PERMIT_NAME_PREFIX = 'privexbot-dapp';
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
      permitName: newPermitName(),
      allowedTokens: [address],
      permissions: [PERMISSION[contract]],
    });
    config.storage.setItem(key, JSON.stringify(permit));
    return permit;
  } catch (cause) {
    throw new UserRejectedRequestError('sign a query permit', { cause });
  }
}

function newPermitName(): string {
  const salt = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, '0'));
  return `${PERMIT_NAME_PREFIX}-${Date.now().toString(36)}-${salt.join('')}`;
}

/** Drops the stored permit of the connected account for `contract`; the next read signs a new one. */
export async function forgetQueryPermit(config: DappConfig, contract: PrivateContract): Promise<void> {
  const account = requireConnectedAccount(config, 'read private data');
  config.storage.removeItem(
    storageKey(config.chain.chainId, account.address, await resolveContract(config, contract)),
  );
}

/**
 * True when a contract (its `revoked` refusal, anywhere in the cause chain) or the relayer
 * (`PERMIT_REVOKED`) refused a permit because its name was revoked.
 */
export function isPermitRevokedError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 20; depth += 1) {
    const { code, contractMessage } = current as { code?: unknown; contractMessage?: unknown };
    if (code === 'PERMIT_REVOKED') return true;
    if (typeof contractMessage === 'string' && /\brevoked\b/i.test(contractMessage)) return true;
    current = current.cause;
  }
  return false;
}

/**
 * Runs `use` with the connected account's permit for `contract`; if the permit was revoked,
 * signs a fresh one (a new name) and runs `use` once more.
 */
export async function withQueryPermit<T>(
  config: DappConfig,
  contract: PrivateContract,
  use: (permit: QueryPermit) => Promise<T>,
): Promise<T> {
  try {
    return await use(await getQueryPermit(config, contract));
  } catch (error) {
    if (!isPermitRevokedError(error)) throw error;
    await forgetQueryPermit(config, contract);
    return use(await getQueryPermit(config, contract));
  }
}

/** `{ subscription: { org_id } }` → `{ subscription: { org_id, auth: { permit } } }`: where both contracts take it. */
export function withPermitAuth(msg: object, permit: QueryPermit): object {
  const [name, body] = Object.entries(msg)[0] ?? [];
  if (!name || typeof body !== 'object' || body === null)
    throw new Error('a query message has one top-level field');
  return { [name]: { ...body, auth: { permit } } };
}
