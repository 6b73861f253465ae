import type { Prisma } from '../../db/prisma.js';
import { hashToken, newToken } from './session-tokens.js';

export interface SessionTokens {
  accessToken: string;
  accessExpiresAt: string;
  refreshToken: string;
  /** The session ends here whatever happens; sign in again after. */
  sessionExpiresAt: string;
  address: string;
}

/** Data for a new session row plus the tokens to hand out (which are never stored). */
export function newSession(options: {
  address: string;
  accessTtlSeconds: number;
  sessionTtlSeconds: number;
  userAgent?: string;
  now: Date;
}): { data: Prisma.SessionCreateInput; tokens: SessionTokens } {
  const { now } = options;
  const accessToken = newToken('access');
  const refreshToken = newToken('refresh');
  const expiresAt = new Date(now.getTime() + options.sessionTtlSeconds * 1000);
  const accessExpiresAt = new Date(
    Math.min(now.getTime() + options.accessTtlSeconds * 1000, expiresAt.getTime()),
  );
  return {
    data: {
      address: options.address,
      accessTokenHash: hashToken(accessToken),
      accessExpiresAt,
      refreshTokenHash: hashToken(refreshToken),
      expiresAt,
      createdAt: now,
      lastUsedAt: now,
      userAgent: options.userAgent?.slice(0, 300) ?? null,
    },
    tokens: {
      accessToken,
      accessExpiresAt: accessExpiresAt.toISOString(),
      refreshToken,
      sessionExpiresAt: expiresAt.toISOString(),
      address: options.address,
    },
  };
}
