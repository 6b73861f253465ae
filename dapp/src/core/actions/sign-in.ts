import { apiRequest } from '../api/api-request.js';
import type { ApiSession, DappConfig } from '../config.js';
import { BaseError, SignInError, UserRejectedRequestError } from '../errors.js';
import { requireConnectedAccount } from './connect-wallet.js';

/** `GET /auth/challenge?address=` (DESIGN.md, public HTTP surface). */
export interface SignInChallenge {
  message: string;
  nonce: string;
  expiresAt: string;
}

/** `POST /auth/verify` and `POST /auth/refresh` answer the session's tokens. */
export interface SessionTokens {
  address: string;
  accessToken: string;
  accessExpiresAt: string;
  refreshToken: string;
  sessionExpiresAt: string;
}

export function sessionFromTokens(tokens: SessionTokens): ApiSession {
  return {
    address: tokens.address,
    token: tokens.accessToken,
    expiresAt: tokens.accessExpiresAt,
    refreshToken: tokens.refreshToken,
    sessionExpiresAt: tokens.sessionExpiresAt,
  };
}

export type SignInReturnType = ApiSession;

/**
 * ADR-36 sign-in: fetch the api's challenge for the connected address, have the wallet sign it
 * with `signArbitrary`, and exchange the signature for a session.
 */
export async function signIn(config: DappConfig): Promise<SignInReturnType> {
  const account = requireConnectedAccount(config, 'sign in');
  const wallet = config.wallet.current!;
  let challenge: SignInChallenge;
  try {
    challenge = await apiRequest<SignInChallenge>(config, {
      path: '/auth/challenge',
      query: { address: account.address },
    });
  } catch (cause) {
    throw new SignInError('Could not get a sign-in message from the api.', { cause });
  }
  if (typeof challenge?.message !== 'string' || !challenge.message.includes(account.address)) {
    throw new SignInError('The api sent a sign-in message that does not name your address.');
  }

  let signature: Awaited<ReturnType<typeof wallet.signArbitrary>>;
  try {
    signature = await wallet.signArbitrary(config.chain.walletChainId, account.address, challenge.message);
  } catch (cause) {
    throw new UserRejectedRequestError('sign the sign-in message', { cause });
  }

  let verified: SessionTokens;
  try {
    verified = await apiRequest<SessionTokens>(config, {
      method: 'POST',
      path: '/auth/verify',
      body: {
        address: account.address,
        pubKey: signature.pub_key.value,
        signature: signature.signature,
        message: challenge.message,
      },
    });
  } catch (cause) {
    const reason = cause instanceof BaseError ? cause.shortMessage : 'the api refused the signature';
    throw new SignInError(`Sign-in failed: ${reason}`, { cause });
  }
  if (typeof verified?.accessToken !== 'string' || verified.address !== account.address) {
    throw new SignInError('The api answered the sign-in with something unexpected.');
  }
  const session = sessionFromTokens(verified);
  config.session.set(session);
  return session;
}

/** Ends the session on the api (when it can) and locally, always. */
export async function signOut(config: DappConfig): Promise<void> {
  try {
    await apiRequest(config, { method: 'POST', path: '/auth/sign-out' });
  } catch {
    // The local session goes regardless: a sign-out never leaves the user signed in here.
  } finally {
    config.session.set(undefined);
  }
}
