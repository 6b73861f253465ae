/**
 * Checks a signed envelope before the chain runs it: shape, chain id, ADR-36 signature (with
 * `verifyADR36Amino`, which also proves the public key derives the sender), nonce unused.
 */
import {
  type ChainError,
  devnetSignBytes,
  InvalidRequestError,
  type SignedDevnetTx,
  UnauthorizedError,
  verifyArbitrarySignature,
} from '@privexbot/schema/chain';
import { z } from 'zod';
import { DEVNET_BECH32_PREFIX, type SimulatedChain } from './simulated-chain.js';

const coinSchema = z.object({
  denom: z.string().regex(/^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/, 'a denom like uscrt'),
  amount: z.string().regex(/^(0|[1-9]\d{0,38})$/, 'a non-negative integer string'),
});

export const signedTxSchema = z.object({
  tx: z.object({
    chain_id: z.string().min(1),
    contract: z.string().min(1).max(128),
    msg: z.record(z.string(), z.unknown()),
    funds: z.array(coinSchema).max(8),
    nonce: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, '8 to 128 characters of [A-Za-z0-9_-]'),
    memo: z.string().max(256).optional(),
  }),
  signer: z.string().min(1).max(128),
  signature: z.object({
    pub_key: z.object({ type: z.string(), value: z.string().max(200) }),
    signature: z.string().max(200),
  }),
});

/** Returns the verified envelope, or throws the ChainError the HTTP layer turns into a 4xx. */
export function verifySignedTx(chain: SimulatedChain, body: unknown): SignedDevnetTx {
  const parsed = signedTxSchema.safeParse(body);
  if (!parsed.success) {
    throw new InvalidRequestError('the body is not a signed devnet transaction', {
      details: { issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) },
    });
  }
  const signed = parsed.data as SignedDevnetTx;
  if (signed.tx.chain_id !== chain.chainId) {
    throw new UnauthorizedError(
      `signed for chain ${signed.tx.chain_id}, but this chain is ${chain.chainId}`,
      'WRONG_CHAIN',
    );
  }
  const valid = verifyArbitrarySignature({
    prefix: DEVNET_BECH32_PREFIX,
    signer: signed.signer,
    data: devnetSignBytes(signed.tx),
    signature: signed.signature,
  });
  if (!valid) {
    throw new UnauthorizedError(
      'the signature does not verify for this sender and transaction (ADR-36 over {chain_id, contract, msg, funds, nonce})',
      'BAD_SIGNATURE',
    );
  }
  return signed;
}

/** Burns the nonce; call inside the chain's transaction queue so two copies cannot both pass. */
export function burnNonce(chain: SimulatedChain, signed: SignedDevnetTx): void {
  if (!chain.useNonce(signed.signer, signed.tx.nonce)) {
    throw new UnauthorizedError(
      `nonce ${signed.tx.nonce} was already used by ${signed.signer}`,
      'NONCE_REUSED',
    ) as ChainError;
  }
}
