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
  /** a text one of its messages contains, case-insensitive */
  search?: string | undefined;
  /** calendar days (YYYY-MM-DD, UTC), inclusive: the conversation's last message falls in them */
  fromDay?: string | undefined;
  toDay?: string | undefined;
}): Promise<ConversationSummary[]> {
  const bot = await findAccessibleBot({ ...options, permission: 'conversations:read' });
  if (options.fromDay && options.toDay && options.fromDay > options.toDay)
    throw new AppError(AppErrorCode.VALIDATION_FAILED, 'from must not be after to');
  const lastMessageAt = {
    ...(options.fromDay ? { gte: new Date(`${options.fromDay}T00:00:00Z`) } : {}),
    ...(options.toDay ? { lt: new Date(Date.parse(`${options.toDay}T00:00:00Z`) + 86_400_000) } : {}),
  };
  const rows = await options.db.conversation.findMany({
    where: {
      botId: bot.id,
      ...(options.fromDay || options.toDay ? { lastMessageAt } : {}),
      ...(options.search
        ? { messages: { some: { content: { contains: options.search, mode: 'insensitive' as const } } } }
        : {}),
    },
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
