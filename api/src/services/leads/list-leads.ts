import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import type { BotPlatform } from '../bots/bot-platform.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';

export interface LeadView {
  id: string;
  email: string;
  name: string | null;
  consent: boolean;
  consentAt: string | null;
  /** The consent sentence the visitor agreed to, word for word, and its version (null: leads from before they were recorded). */
  consentText: string | null;
  consentVersion: string | null;
  conversationId: string | null;
  createdAt: string;
}

/** Leads of a bot, newest first, emails decrypted for members allowed to read conversations. */
export async function listLeads(options: {
  db: Database;
  platform: BotPlatform;
  orgId: string;
  botId: string;
  principal: Principal;
  limit: number;
}): Promise<LeadView[]> {
  const bot = await findAccessibleBot({ ...options, permission: 'conversations:read' });
  const leads = await options.db.lead.findMany({
    where: { botId: bot.id },
    orderBy: { createdAt: 'desc' },
    take: options.limit,
  });
  const encryption = options.platform.encryption();
  return leads.map((lead) => {
    let email: string;
    try {
      email = encryption.decrypt(lead.emailEncrypted, 'lead.email');
    } catch {
      // Encrypted under another key (a dev server restarted without DATA_ENCRYPTION_KEY).
      email = '(unreadable with the current key)';
    }
    return {
      id: lead.id,
      email,
      name: lead.name,
      consent: lead.consent,
      consentAt: lead.consentAt?.toISOString() ?? null,
      consentText: lead.consentText,
      consentVersion: lead.consentVersion,
      conversationId: lead.conversationId,
      createdAt: lead.createdAt.toISOString(),
    };
  });
}
