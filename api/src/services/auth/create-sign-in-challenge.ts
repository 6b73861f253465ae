import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/prisma.js';
import { formatSignInMessage } from './sign-in-message.js';

export interface SignInChallenge {
  message: string;
  nonce: string;
  expiresAt: string;
}

/** Issues a single-use nonce bound to the address, this server's domain/URI and chain. */
export async function createSignInChallenge(options: {
  db: Database;
  address: string;
  domain: string;
  uri: string;
  chainId: string;
  ttlSeconds: number;
  now: Date;
}): Promise<SignInChallenge> {
  const { db, now } = options;
  const nonce = randomBytes(18).toString('base64url');
  const expiresAt = new Date(now.getTime() + options.ttlSeconds * 1000);
  await db.authNonce.create({
    data: {
      nonce,
      address: options.address,
      domain: options.domain,
      uri: options.uri,
      chainId: options.chainId,
      issuedAt: now,
      expiresAt,
    },
  });
  // Expired challenges are useless; dropping a few on each issue keeps the table small
  // without a separate sweeper.
  await db.authNonce.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 86_400_000) } } });
  const message = formatSignInMessage({
    domain: options.domain,
    address: options.address,
    uri: options.uri,
    chainId: options.chainId,
    nonce,
    issuedAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
  });
  return { message, nonce, expiresAt: expiresAt.toISOString() };
}
