import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { SessionTokens } from './create-session.js';
import { hashToken, newToken } from './session-tokens.js';

/**
 * Trades a refresh token for a new access token and a new refresh token (rotation). The
 * old refresh token stops working; presenting it, or any earlier token of the same session
 * (its family), again means it was copied, so the whole session is revoked. Refreshing never extends the session past its absolute expiry.
 */
export async function refreshSession(options: {
  db: Database;
  refreshToken: string;
  accessTtlSeconds: number;
  now: Date;
}): Promise<SessionTokens> {
  const { db, now } = options;
  const presented = hashToken(options.refreshToken);
  const session = await db.session.findUnique({ where: { refreshTokenHash: presented } });
  if (!session) {
    // Any token this session ever rotated away from, not only the last one: a copy stolen
    // several refreshes ago is caught as surely as one stolen just now.
    const retired = await db.retiredRefreshToken.findUnique({
      where: { hash: presented },
      select: { sessionId: true },
    });
    if (retired) {
      await db.session.updateMany({
        where: { id: retired.sessionId, revokedAt: null },
        data: { revokedAt: now },
      });
    }
    throw new AppError(
      AppErrorCode.REFRESH_TOKEN_INVALID,
      retired
        ? 'this refresh token was already used: the session has been signed out for safety'
        : 'unknown refresh token',
    );
  }
  if (session.revokedAt)
    throw new AppError(AppErrorCode.REFRESH_TOKEN_INVALID, 'this session was signed out');
  if (session.expiresAt <= now) {
    throw new AppError(AppErrorCode.SESSION_EXPIRED, 'the session expired: sign in again');
  }
  const accessToken = newToken('access');
  const refreshToken = newToken('refresh');
  const accessExpiresAt = new Date(
    Math.min(now.getTime() + options.accessTtlSeconds * 1000, session.expiresAt.getTime()),
  );
  // Conditional on the presented token still being current: of two concurrent refreshes
  // with the same token, exactly one wins. The retired token is recorded in the same
  // transaction, so there is no moment where it is neither current nor known as used.
  const count = await db.$transaction(async (tx) => {
    const { count } = await tx.session.updateMany({
      where: { id: session.id, refreshTokenHash: presented, revokedAt: null },
      data: {
        accessTokenHash: hashToken(accessToken),
        accessExpiresAt,
        refreshTokenHash: hashToken(refreshToken),
        lastUsedAt: now,
      },
    });
    if (count === 1) {
      await tx.retiredRefreshToken.create({
        data: { hash: presented, sessionId: session.id, retiredAt: now },
      });
    }
    return count;
  });
  if (count !== 1)
    throw new AppError(AppErrorCode.REFRESH_TOKEN_INVALID, 'this refresh token was already used');
  return {
    accessToken,
    accessExpiresAt: accessExpiresAt.toISOString(),
    refreshToken,
    sessionExpiresAt: session.expiresAt.toISOString(),
    address: session.address,
  };
}
