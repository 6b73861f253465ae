import { pubkeyToAddress } from '@cosmjs/amino';
import { verifyADR36Amino } from '@keplr-wallet/cosmos';
import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { newSession, type SessionTokens } from './create-session.js';
import { formatSignInMessage, parseSignInMessage } from './sign-in-message.js';

/**
 * ADR-36 sign-in: checks, in this order, that the message is ours (format, domain, URI, chain,
 * address), that the public key derives the address, that the signature is valid, and that
 * the nonce was issued for exactly this message, is unused and unexpired; then burns the
 * nonce and opens the session in one transaction, so one signature opens one session.
 */
export async function verifySignIn(options: {
  db: Database;
  address: string;
  /** base64 compressed secp256k1 public key (33 bytes) */
  pubKey: string;
  /** base64 64-byte signature, as Keplr's signArbitrary returns it */
  signature: string;
  message: string;
  expected: { domain: string; uri: string; chainId: string; bech32Prefix: string };
  accessTtlSeconds: number;
  sessionTtlSeconds: number;
  userAgent?: string;
  now: Date;
}): Promise<SessionTokens> {
  const { db, address, expected, now } = options;
  const fields = parseSignInMessage(options.message);
  if (!fields)
    throw new AppError(AppErrorCode.AUTH_MESSAGE_MALFORMED, 'the message is not a PrivexBot sign-in message');
  if (fields.address !== address) {
    throw new AppError(AppErrorCode.AUTH_ADDRESS_MISMATCH, 'the message was issued for another address');
  }
  if (fields.domain !== expected.domain) {
    throw new AppError(
      AppErrorCode.AUTH_DOMAIN_MISMATCH,
      `the message is for ${fields.domain}, not ${expected.domain}`,
    );
  }
  if (fields.uri !== expected.uri) {
    throw new AppError(
      AppErrorCode.AUTH_URI_MISMATCH,
      `the message is for ${fields.uri}, not ${expected.uri}`,
    );
  }
  if (fields.chainId !== expected.chainId) {
    throw new AppError(
      AppErrorCode.AUTH_CHAIN_MISMATCH,
      `the message is for chain ${fields.chainId}, not ${expected.chainId}`,
    );
  }

  const pubKey = Buffer.from(options.pubKey, 'base64');
  if (pubKey.length !== 33 || (pubKey[0] !== 2 && pubKey[0] !== 3)) {
    throw new AppError(
      AppErrorCode.AUTH_PUBKEY_MALFORMED,
      'pubKey must be a base64 compressed secp256k1 key (33 bytes)',
    );
  }
  const derived = pubkeyToAddress(
    { type: 'tendermint/PubKeySecp256k1', value: pubKey.toString('base64') },
    expected.bech32Prefix,
  );
  if (derived !== address) {
    throw new AppError(AppErrorCode.AUTH_PUBKEY_MISMATCH, 'the public key does not belong to this address');
  }
  const signature = Buffer.from(options.signature, 'base64');
  if (!verifiesAdr36(expected.bech32Prefix, address, options.message, pubKey, signature)) {
    throw new AppError(
      AppErrorCode.AUTH_SIGNATURE_INVALID,
      'the signature does not match the message and key',
    );
  }

  const challenge = await db.authNonce.findUnique({ where: { nonce: fields.nonce } });
  if (!challenge)
    throw new AppError(AppErrorCode.AUTH_NONCE_UNKNOWN, 'this sign-in challenge was not issued here');
  if (challenge.usedAt)
    throw new AppError(AppErrorCode.AUTH_NONCE_USED, 'this sign-in challenge was already used');
  if (challenge.expiresAt <= now) {
    throw new AppError(
      AppErrorCode.AUTH_CHALLENGE_EXPIRED,
      'this sign-in challenge expired: request a new one',
    );
  }
  const issued = formatSignInMessage({
    domain: challenge.domain,
    address: challenge.address,
    uri: challenge.uri,
    chainId: challenge.chainId,
    nonce: challenge.nonce,
    issuedAt: challenge.issuedAt.toISOString(),
    expiresAt: challenge.expiresAt.toISOString(),
  });
  if (issued !== options.message) {
    throw new AppError(
      AppErrorCode.AUTH_MESSAGE_TAMPERED,
      'the message differs from the challenge that was issued',
    );
  }

  const session = newSession({
    address,
    accessTtlSeconds: options.accessTtlSeconds,
    sessionTtlSeconds: options.sessionTtlSeconds,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    now,
  });
  await db.$transaction(async (tx) => {
    // The conditional update is the burn: of two concurrent verifications, one sees count 0.
    const burned = await tx.authNonce.updateMany({
      where: { nonce: challenge.nonce, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (burned.count !== 1)
      throw new AppError(AppErrorCode.AUTH_NONCE_USED, 'this sign-in challenge was already used');
    await tx.session.create({ data: session.data });
  });
  return session.tokens;
}

function verifiesAdr36(
  prefix: string,
  signer: string,
  message: string,
  pubKey: Uint8Array,
  signature: Uint8Array,
) {
  if (signature.length !== 64) return false;
  try {
    return verifyADR36Amino(prefix, signer, new TextEncoder().encode(message), pubKey, signature);
  } catch {
    // The library throws on a signer/prefix mismatch; for the caller that is a bad signature.
    return false;
  }
}
