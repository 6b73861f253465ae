import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { clientKey } from '../../http/client-address.js';
import type { BotPlatform } from '../bots/bot-platform.js';
import { activePlanOf, checkMessageQuota } from '../quotas/check-message-quota.js';
import { admitChatTurn } from './admit-chat-turn.js';
import type { Answerer } from './answerer.js';
import type { ChatBot } from './chat-bot-cache.js';
import { type ChatReservation, estimateTurnTokens, holdsCountSince, holdWindow } from './chat-reservation.js';
import { checkChatAccess } from './check-chat-access.js';
import { dayWindow, minuteWindow, sweepOldCounters } from './rate-limits.js';

export interface ChatInput {
  message: string;
  conversationId?: string | undefined;
  visitorId?: string | undefined;
}

/** A chat turn that may call the model: who asks which bot, in which conversation. */
export interface AdmittedChat {
  bot: ChatBot;
  answerer: Answerer;
  question: string;
  conversationId: string;
  isNewConversation: boolean;
  history: { role: 'user' | 'assistant'; content: string }[];
  visitorId: string;
  /** The visitor's spend counter today (prompt + completion tokens, visitorDailyTokenCap). */
  spendKey: string;
  /** What the turn holds until recordChatTurn settles it. */
  reservation: ChatReservation;
  origin: string | null;
  askedAt: Date;
}

/** What admission reads of the HTTP request; the route passes it, so nothing here sees Express. */
export interface ChatRequestFacts {
  authorization: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  /** The client address as `trust proxy` (TRUSTED_PROXIES) resolves it. */
  ip: string | undefined;
}

/**
 * Everything that can refuse a chat turn, before anything is spent or streamed: the bot, who
 * may chat with it, a configured model, the visitor's and the bot's rate limits, the
 * visitor's daily spend, the org's quota and the conversation named. Refusals throw AppError
 * (403, 404, 429 with `details.retryAfterSeconds`, 402, 503); a refused turn costs nothing.
 * Counters are read and moved in one statement (admitChatTurn): on the embedded database every
 * statement of every request waits its turn on one connection.
 */
export async function admitChat(options: {
  db: Database;
  platform: BotPlatform;
  botId: string;
  input: ChatInput;
  request: ChatRequestFacts;
  ownOrigin: string;
  now: Date;
}): Promise<AdmittedChat> {
  const { db, platform, input, request, now } = options;
  const bot = await platform.chatBots.get(db, options.botId, now);
  if (!bot) throw new AppError(AppErrorCode.NOT_FOUND, 'this bot does not exist or is not published');
  const caller = await checkChatAccess({
    db,
    bot,
    authorization: request.authorization,
    origin: request.origin,
    secFetchSite: request.secFetchSite,
    ownOrigin: options.ownOrigin,
    now,
  });
  const { plan, usageSince } = await activePlanOf({ plans: platform.plans, orgId: bot.orgId, now });
  const answerer = platform.answerer;
  if (!answerer) throw new AppError(AppErrorCode.NOT_READY, 'no language model is configured on this server');

  // Visitors are counted by address (clientKey: IPv4 address, IPv6 /64; req.ip reads
  // X-Forwarded-For only from TRUSTED_PROXIES): a visitor id is chosen by the client and could
  // be rotated to escape the limit.
  const visitorKey = caller.kind === 'apiKey' ? `key:${caller.keyId}` : `ip:${clientKey(request.ip)}`;
  const visitorId = input.visitorId ?? (caller.kind === 'member' ? `member:${caller.address}` : visitorKey);
  const minute = minuteWindow(now);
  const day = dayWindow(now);
  const spendKey = `spend:${bot.id}:${visitorKey}`;
  const chainMessagesUsed =
    plan.quotas.messages === null
      ? null
      : ((await platform.plans.chainMessagesUsed(bot.orgId, plan, now)) ?? null);
  const window = holdWindow(now);
  const hold = {
    window,
    countSince: holdsCountSince(now),
    heldSpendKey: `held:${spendKey}`,
    heldMessagesKey: `held:messages:${bot.orgId}`,
    tokens: estimateTurnTokens({
      systemPrompt: bot.systemPrompt,
      question: input.message,
      passages: platform.settings.chatRetrievalPassages,
      maxTokens: bot.maxTokens,
    }),
  };
  const admission = await admitChatTurn({
    db,
    botId: bot.id,
    orgId: bot.orgId,
    visitorCounterKey: `chat:v:${bot.id}:${visitorKey}`,
    botCounterKey: `chat:b:${bot.id}`,
    minute,
    spendKey,
    day,
    usageSince,
    conversation: input.conversationId
      ? { id: input.conversationId, visitorId, historyLimit: platform.settings.chatHistoryMessages }
      : null,
    limits: {
      visitorPerMinute: bot.visitorRateLimitPerMin,
      botPerMinute: bot.botRateLimitPerMin,
      visitorDailyTokens: bot.visitorDailyTokenCap,
      messages: plan.quotas.messages,
      chainMessagesUsed,
    },
    hold,
  });
  // The statement held tokens and a message only when every check below passes; the checks
  // here only name the refusal.
  const retryAfterSeconds = Math.max(1, Math.ceil((minute.getTime() + 60_000 - now.getTime()) / 1000));
  if (admission.visitorCount > bot.visitorRateLimitPerMin)
    throw new AppError(AppErrorCode.RATE_LIMITED, 'too many messages: please wait a moment', {
      details: {
        reason: 'VISITOR_RATE_LIMIT',
        limitPerMinute: bot.visitorRateLimitPerMin,
        retryAfterSeconds,
      },
    });
  if (admission.botCount > bot.botRateLimitPerMin)
    throw new AppError(
      AppErrorCode.RATE_LIMITED,
      'this assistant is very busy: please try again in a moment',
      { details: { reason: 'BOT_RATE_LIMIT', retryAfterSeconds } },
    );
  if (Math.random() < 0.01)
    void sweepOldCounters({ db, before: new Date(now.getTime() - 2 * 86_400_000) }).catch(() => {});
  // Tokens spent and held by turns in flight: at most one turn per concurrent request passes
  // the cap (each was admitted while something was left).
  if (admission.spent + admission.spendHeld >= bot.visitorDailyTokenCap)
    throw new AppError(
      AppErrorCode.RATE_LIMITED,
      admission.spent >= bot.visitorDailyTokenCap
        ? 'you have reached today’s limit for this assistant: please come back tomorrow'
        : 'too many answers at once: please wait for the current one',
      {
        details: {
          reason: 'VISITOR_SPEND_CAP',
          retryAfterSeconds:
            admission.spent >= bot.visitorDailyTokenCap
              ? Math.ceil((day.getTime() + 86_400_000 - now.getTime()) / 1000)
              : 5,
        },
      },
    );
  await checkMessageQuota({
    db,
    orgId: bot.orgId,
    plan,
    offChainMessages: admission.messagesUsed ?? 0,
    onChainMessages: chainMessagesUsed,
    heldMessages: admission.messagesHeld,
    now,
  });
  // The conversation: an existing one must belong to this bot and this visitor.
  if (input.conversationId && !admission.conversation)
    throw new AppError(
      AppErrorCode.NOT_FOUND,
      'this conversation does not exist: start a new one without conversationId',
    );
  if (admission.heldTokens <= 0) throw new Error('chat admission passed every check but held nothing');
  return {
    bot,
    answerer,
    question: input.message,
    conversationId: input.conversationId ?? randomUUID(),
    isNewConversation: !input.conversationId,
    history: admission.conversation?.history ?? [],
    visitorId,
    spendKey,
    reservation: {
      window,
      heldSpendKey: hold.heldSpendKey,
      tokens: admission.heldTokens,
      heldMessagesKey: hold.heldMessagesKey,
    },
    origin: request.origin ?? null,
    askedAt: now,
  };
}
