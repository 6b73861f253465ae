import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { type ApiKeyScope, apiKeyScopes } from '../access/api-key-scopes.js';
import type { Principal } from '../access/principal.js';
import { hashToken, tokenPrefixes } from './session-tokens.js';

/**
 * Resolves `Authorization: Bearer <token>` to a principal: a session's access token
 * (`pbat_...`) or, where the route allows it, an org API key (`pbk_...`).
 */
export async function authenticateRequest(options: {
  db: Database;
  authorization: string | undefined;
  allowApiKey: boolean;
  now: Date;
}): Promise<Principal> {
  const { db, authorization, now } = options;
  const match = authorization?.match(/^Bearer ([A-Za-z0-9_-]{10,200})$/);
  if (!match?.[1]) {
    throw new AppError(
      AppErrorCode.UNAUTHENTICATED,
      'sign in first: send Authorization: Bearer <access token>',
    );
  }
  const token = match[1];
  if (token.startsWith(tokenPrefixes.apiKey)) {
    if (!options.allowApiKey) {
      throw new AppError(AppErrorCode.UNAUTHENTICATED, 'this route needs a signed-in wallet, not an API key');
    }
    const [key] = await db.$queryRaw<
      {
        id: string;
        orgId: string;
        scopes: string[];
        expiresAt: Date | null;
        lastUsedAt: Date | null;
        revokedAt: Date | null;
      }[]
    >`SELECT id::text, "orgId", scopes, "expiresAt", "lastUsedAt", "revokedAt" FROM "ApiKey" WHERE hash = ${hashToken(token)}`;
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) {
      throw new AppError(AppErrorCode.API_KEY_INVALID, 'the API key is unknown, revoked or expired');
    }
    // Last-use time is informative; updating it at most once a minute keeps reads cheap.
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      await db.$executeRaw`UPDATE "ApiKey" SET "lastUsedAt" = ${now} WHERE id = ${key.id}::uuid`;
    }
    const scopes = key.scopes.filter((scope): scope is ApiKeyScope =>
      (apiKeyScopes as readonly string[]).includes(scope),
    );
    return { kind: 'apiKey', keyId: key.id, orgId: key.orgId, scopes };
  }
  // Plain SQL: every authenticated request runs this, and Prisma's query building costs more
  // than the lookup itself.
  const [session] = await db.$queryRaw<
    { id: string; address: string; accessExpiresAt: Date; revokedAt: Date | null }[]
  >`SELECT id::text, address, "accessExpiresAt", "revokedAt" FROM "Session" WHERE "accessTokenHash" = ${hashToken(token)}`;
  if (!session || session.revokedAt) {
    throw new AppError(AppErrorCode.UNAUTHENTICATED, 'the access token is unknown or signed out');
  }
  if (session.accessExpiresAt <= now) {
    throw new AppError(
      AppErrorCode.SESSION_EXPIRED,
      'the access token expired: refresh it with POST /auth/refresh',
    );
  }
  return { kind: 'user', address: session.address, sessionId: session.id };
}
