import type { Database } from '../../db/prisma.js';
import type { ApiKeyScope } from '../access/api-key-scopes.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { hashToken, newToken } from '../auth/session-tokens.js';
import { type ApiKeyView, apiKeyView } from './api-key-view.js';

/** Creates an org API key. The returned `key` is the only time the secret is ever shown. */
export async function createApiKey(options: {
  db: Database;
  orgId: string;
  principal: Principal;
  name: string;
  scopes: ApiKeyScope[];
  expiresInDays?: number;
  requestId: string;
  now: Date;
}): Promise<ApiKeyView & { key: string }> {
  const { db, orgId, principal, now } = options;
  await findAccessibleOrg({ db, orgId, principal, permission: 'apiKeys:manage' });
  const key = newToken('apiKey');
  const created = await db.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: {
        orgId,
        name: options.name,
        // "pbk_" + 8 characters: 48 random bits, enough to tell keys apart, useless to an attacker.
        prefix: key.slice(0, 12),
        hash: hashToken(key),
        scopes: [...new Set(options.scopes)],
        createdBy: principal.kind === 'user' ? principal.address : `apikey:${principal.keyId}`,
        createdAt: now,
        expiresAt: options.expiresInDays
          ? new Date(now.getTime() + options.expiresInDays * 86_400_000)
          : null,
      },
    });
    await tx.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'apiKey.create',
        targetType: 'apiKey',
        targetId: row.id,
        details: { name: row.name, prefix: row.prefix, scopes: row.scopes },
        requestId: options.requestId,
      }),
    });
    return row;
  });
  return { ...apiKeyView(created), key };
}
