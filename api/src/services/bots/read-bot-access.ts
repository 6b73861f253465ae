import type { Database } from '../../db/prisma.js';
import type { OrgRole } from '../../generated/prisma/enums.js';
import { type OrgPermission, orgPermissions } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';
import { asVectorSlot, type VectorSlot } from '../knowledge/vector-slots.js';
import type { OrgMirrorState } from '../orgs/ensure-fresh-org-mirror.js';

/** The bot as retrieval needs it: its embedder and the vector slot its vectors are in (knowledge/vector-slots). */
export interface AccessibleBot {
  id: string;
  embedder: string;
  vectorSlot: VectorSlot;
}

/** What one statement tells about a caller and a bot: the org's mirror, the bot, the caller's rights. */
export interface BotAccess {
  /** null: no mirror of the org yet. */
  mirror: OrgMirrorState | null;
  /** null: no such bot in this org. */
  bot: AccessibleBot | null;
  /** The caller holds `permission` in the org. */
  permitted: boolean;
  /** The caller may see the org (`org:read`): refusals say FORBIDDEN rather than NOT_FOUND. */
  visible: boolean;
}

/**
 * The org's mirror row, the bot and the caller's role in the org, in one plain-SQL statement:
 * the hot path's version of ensureOrgMirror + findAccessibleBot (two Prisma queries), for
 * routes that need only the bot's id, embedder and live vector slot. The same rules: `orgPermissions` decides
 * from the caller's role (or its API key's scopes and org); the caller applies the mirror's
 * freshness (ensureFreshOrgMirror with `mirror`) before trusting the role, and refuses with
 * botAccessRefused.
 */
export async function readBotAccess(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
  permission: OrgPermission;
}): Promise<BotAccess> {
  const { db, orgId, botId, principal, permission } = options;
  const address = principal.kind === 'user' ? principal.address : null;
  const [row] = await db.$queryRaw<
    {
      syncedAt: Date;
      goneAt: Date | null;
      billingContract: string | null;
      botId: string | null;
      embedder: string | null;
      vectorSlot: number | null;
      role: OrgRole | null;
    }[]
  >`
    SELECT o."syncedAt", o."goneAt", o."billingContract", b.id::text AS "botId", b.embedder, b."vectorSlot"::int AS "vectorSlot", m.role
    FROM "Org" o
    LEFT JOIN "Bot" b ON b.id = ${botId}::uuid AND b."orgId" = o.id
    LEFT JOIN "Member" m ON m."orgId" = o.id AND m.address = ${address}
    WHERE o.id = ${orgId}`;
  if (!row) return { mirror: null, bot: null, permitted: false, visible: false };
  const holds = (wanted: OrgPermission): boolean => {
    const rule = orgPermissions[wanted];
    if (principal.kind === 'apiKey')
      return rule.scope !== null && principal.scopes.includes(rule.scope) && principal.orgId === orgId;
    return row.role !== null && (rule.roles as readonly OrgRole[]).includes(row.role);
  };
  return {
    mirror: { syncedAt: row.syncedAt, goneAt: row.goneAt, billingContract: row.billingContract },
    bot:
      row.botId && row.embedder && row.vectorSlot !== null
        ? { id: row.botId, embedder: row.embedder, vectorSlot: asVectorSlot(row.vectorSlot) }
        : null,
    permitted: holds(permission),
    visible: holds('org:read'),
  };
}
