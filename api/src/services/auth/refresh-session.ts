import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { SessionTokens } from './create-session.js';
import { hashToken, newToken } from './session-tokens.js';

/**
 * Trades a refresh token for a new access token and a new refresh token (rotation). The
 * old refresh token stops working; presenting it again means it was copied, so the whole
 * session is revoked. Refreshing never extends the session past its absolute expiry.
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
    const reused = await db.session.updateMany({
      where: { previousRefreshHash: presented, revokedAt: null },
      data: { revokedAt: now },
    });
    throw new AppError(
      AppErrorCode.REFRESH_TOKEN_INVALID,
      reused.count > 0
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
  // with the same token, exactly one wins.
  const { count } = await db.session.updateMany({
    where: { id: session.id, refreshTokenHash: presented, revokedAt: null },
    data: {
      accessTokenHash: hashToken(accessToken),
      accessExpiresAt,
      refreshTokenHash: hashToken(refreshToken),
      previousRefreshHash: presented,
      lastUsedAt: now,
    },
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
