import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Principal } from '../access/principal.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';

export interface ConversationSummary {
  id: string;
  visitorId: string;
  origin: string | null;
  messageCount: number;
  createdAt: string;
  lastMessageAt: string;
}

/** A bot's conversations, most recent first, paged by `after` (the last id of the previous page). */
export async function listConversations(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
  limit: number;
  after?: string | undefined;
}): Promise<ConversationSummary[]> {
  const bot = await findAccessibleBot({ ...options, permission: 'conversations:read' });
  const rows = await options.db.conversation.findMany({
    where: { botId: bot.id },
    orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
    take: options.limit,
    ...(options.after && /^[0-9a-f-]{36}$/i.test(options.after)
      ? { cursor: { id: options.after }, skip: 1 }
      : {}),
  });
  return rows.map((row) => ({
    id: row.id,
    visitorId: row.visitorId,
    origin: row.origin,
    messageCount: row.messageCount,
    createdAt: row.createdAt.toISOString(),
    lastMessageAt: row.lastMessageAt.toISOString(),
  }));
}

export async function getConversation(options: {
  db: Database;
  orgId: string;
  botId: string;
  conversationId: string;
  principal: Principal;
}) {
  const bot = await findAccessibleBot({ ...options, permission: 'conversations:read' });
  const conversation = await options.db.conversation.findFirst({
    where: { id: options.conversationId, botId: bot.id },
    include: { messages: { orderBy: { createdAt: 'asc' } } },
  });
  if (!conversation)
    throw new AppError(AppErrorCode.NOT_FOUND, `conversation ${options.conversationId} not found`);
  return {
    id: conversation.id,
    visitorId: conversation.visitorId,
    origin: conversation.origin,
    messageCount: conversation.messageCount,
    createdAt: conversation.createdAt.toISOString(),
    lastMessageAt: conversation.lastMessageAt.toISOString(),
    messages: conversation.messages.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      citations: m.citations,
      promptTokens: m.promptTokens,
      completionTokens: m.completionTokens,
      createdAt: m.createdAt.toISOString(),
    })),
  };
}
