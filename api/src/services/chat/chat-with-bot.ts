import type { Request, Response } from 'express';
import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Logger } from '../../logger.js';
import { recordUsage } from '../analytics/record-usage.js';
import type { BotPlatform } from '../bots/bot-platform.js';
import { checkMessageQuota } from '../quotas/check-message-quota.js';
import { LearnOnlyFilter } from '../retrieval/learn-only-filter.js';
import { retrievePassages } from '../retrieval/retrieve-passages.js';
import { AnswererError, type AnswerUsage } from './answerer.js';
import { buildPrompt } from './build-prompt.js';
import { checkChatAccess } from './check-chat-access.js';
import { dayWindow, incrementCounters, minuteWindow, readCounter, sweepOldCounters } from './rate-limits.js';
import { SseStream } from './sse-stream.js';

export interface ChatInput {
  message: string;
  conversationId?: string | undefined;
  visitorId?: string | undefined;
}

export interface Citation {
  title: string;
  url?: string;
  snippet: string;
  sourceId: string;
  chunkId: string;
}

/**
 * One chat turn of `POST /v1/bots/:botId/chat`. Everything that can refuse the request runs
 * before the stream opens, so refusals are ordinary JSON errors (403, 404, 429, 402):
 * access, rate limits, the visitor's daily spend, the org's quota. Then the question is
 * stored, passages retrieved, and the answer streamed as SSE: `token`..., `citations`,
 * `usage`, `done` (or `error`). The answer and its usage are written in one transaction
 * before `done`, so a counted answer is always a stored one. A visitor who disconnects
 * aborts the upstream call; nothing is counted for an answer never completed.
 */
export async function chatWithBot(options: {
  db: Database;
  platform: BotPlatform;
  botId: string;
  input: ChatInput;
  req: Request;
  res: Response;
  ownOrigin: string;
  now: Date;
  log: Logger;
}): Promise<void> {
  const { db, platform, input, req, res, now, log } = options;
  const bot = await db.bot.findUnique({ where: { id: options.botId } });
  if (!bot) throw new AppError(AppErrorCode.NOT_FOUND, 'this bot does not exist or is not published');
  const caller = await checkChatAccess({
    db,
    bot,
    authorization: req.get('authorization'),
    origin: req.get('origin'),
    secFetchSite: req.get('sec-fetch-site'),
    ownOrigin: options.ownOrigin,
    now,
  });

  // Visitors are counted by address (req.ip honours exactly TRUST_PROXY_HOPS proxies): a
  // visitor id is chosen by the client and could be rotated to escape the limit.
  const visitorKey = caller.kind === 'apiKey' ? `key:${caller.keyId}` : `ip:${req.ip ?? 'unknown'}`;
  const minute = minuteWindow(now);
  const counts = await incrementCounters({
    db,
    keys: [`chat:v:${bot.id}:${visitorKey}`, `chat:b:${bot.id}`],
    windowStart: minute,
  });
  const retryAfter = String(Math.max(1, Math.ceil((minute.getTime() + 60_000 - now.getTime()) / 1000)));
  if ((counts.get(`chat:v:${bot.id}:${visitorKey}`) ?? 0) > bot.visitorRateLimitPerMin) {
    res.setHeader('retry-after', retryAfter);
    throw new AppError(AppErrorCode.RATE_LIMITED, 'too many messages: please wait a moment', {
      details: { reason: 'visitor_rate_limit', limitPerMinute: bot.visitorRateLimitPerMin },
    });
  }
  if ((counts.get(`chat:b:${bot.id}`) ?? 0) > bot.botRateLimitPerMin) {
    res.setHeader('retry-after', retryAfter);
    throw new AppError(
      AppErrorCode.RATE_LIMITED,
      'this assistant is very busy: please try again in a moment',
      { details: { reason: 'bot_rate_limit' } },
    );
  }
  if (Math.random() < 0.01)
    void sweepOldCounters({ db, before: new Date(now.getTime() - 2 * 86_400_000) }).catch(() => {});
  const spendKey = `spend:${bot.id}:${visitorKey}`;
  const day = dayWindow(now);
  const spent = await readCounter({ db, key: spendKey, windowStart: day });
  if (spent >= bot.visitorDailyTokenCap) {
    res.setHeader('retry-after', String(Math.ceil((day.getTime() + 86_400_000 - now.getTime()) / 1000)));
    throw new AppError(
      AppErrorCode.RATE_LIMITED,
      'you have reached today’s limit for this assistant: please come back tomorrow',
      { details: { reason: 'visitor_spend_cap' } },
    );
  }
  await checkMessageQuota({ db, plans: platform.plans, orgId: bot.orgId, now });
  const answerer = platform.answerer;
  if (!answerer) throw new AppError(AppErrorCode.NOT_READY, 'no language model is configured on this server');

  // The conversation: an existing one must belong to this bot and this visitor.
  const visitorId = input.visitorId ?? (caller.kind === 'member' ? `member:${caller.address}` : visitorKey);
  let conversationId = input.conversationId;
  let history: { role: 'user' | 'assistant'; content: string }[] = [];
  if (conversationId) {
    const existing = await db.conversation.findFirst({
      where: { id: conversationId, botId: bot.id, visitorId },
      select: { id: true },
    });
    if (!existing)
      throw new AppError(
        AppErrorCode.NOT_FOUND,
        'this conversation does not exist: start a new one without conversationId',
      );
    const recent = await db.message.findMany({
      where: { conversationId },
      orderBy: { createdAt: 'desc' },
      take: platform.settings.chatHistoryMessages,
      select: { role: true, content: true },
    });
    history = recent.reverse().map((m) => ({ role: m.role, content: m.content }));
  }
  const isNew = !conversationId;
  const stored = await db.$transaction(async (tx) => {
    const conversation = isNew
      ? await tx.conversation.create({
          data: {
            botId: bot.id,
            visitorId,
            origin: req.get('origin') ?? null,
            createdAt: now,
            lastMessageAt: now,
          },
        })
      : await tx.conversation.update({
          where: { id: conversationId as string },
          data: { lastMessageAt: now },
        });
    await tx.message.create({
      data: { conversationId: conversation.id, role: 'user', content: input.message, createdAt: now },
    });
    await tx.conversation.update({
      where: { id: conversation.id },
      data: { messageCount: { increment: 1 } },
    });
    if (isNew) await recordUsage(tx, { botId: bot.id, orgId: bot.orgId, now, conversations: 1 });
    return conversation;
  });
  conversationId = stored.id;

  const abort = new AbortController();
  let finished = false;
  res.on('close', () => {
    if (!finished) abort.abort();
  });
  const sse = new SseStream(res);
  sse.open();
  try {
    const passages = await retrievePassages({
      db,
      botId: bot.id,
      embedder: platform.embedderFor(bot.embedder),
      query: input.message,
      limit: platform.settings.chatRetrievalPassages,
      signal: abort.signal,
    });
    const prompt = buildPrompt({
      systemPrompt: bot.systemPrompt,
      history,
      question: input.message,
      passages,
    });
    const filter = new LearnOnlyFilter({
      learnOnly: passages.filter((p) => !p.citable).map((p) => p.text),
      allowed: [input.message, ...passages.filter((p) => p.citable).map((p) => p.text)],
    });
    let answer = '';
    let usage: AnswerUsage | undefined;
    for await (const event of answerer.stream(
      {
        orgId: bot.orgId,
        botId: bot.id,
        model: bot.model,
        maxTokens: bot.maxTokens,
        temperature: bot.temperature,
        ...prompt,
      },
      abort.signal,
    )) {
      if (event.type === 'token') {
        const text = filter.push(event.text);
        if (text) {
          answer += text;
          sse.send('token', { text });
        }
      } else usage = event.usage;
    }
    const tail = filter.end();
    if (tail) {
      answer += tail;
      sse.send('token', { text: tail });
    }
    if (abort.signal.aborted) return;
    const citations = citationsOf(passages);
    sse.send('citations', { citations });
    const counted = usage ?? { promptTokens: 0, completionTokens: 0 };
    const message = await db.$transaction(async (tx) => {
      const row = await tx.message.create({
        data: {
          conversationId: stored.id,
          role: 'assistant',
          content: answer,
          citations: citations.map(({ title, url, sourceId, chunkId }) => ({
            title,
            sourceId,
            chunkId,
            ...(url ? { url } : {}),
          })),
          promptTokens: counted.promptTokens,
          completionTokens: counted.completionTokens,
        },
      });
      await tx.conversation.update({
        where: { id: stored.id },
        data: { messageCount: { increment: 1 }, lastMessageAt: new Date() },
      });
      await recordUsage(tx, {
        botId: bot.id,
        orgId: bot.orgId,
        now,
        messages: 1,
        promptTokens: counted.promptTokens,
        completionTokens: counted.completionTokens,
      });
      await tx.$executeRaw`
        INSERT INTO "RateLimitCounter" (key, "windowStart", count) VALUES (${spendKey}, ${day}, ${counted.completionTokens})
        ON CONFLICT (key, "windowStart") DO UPDATE SET count = "RateLimitCounter".count + EXCLUDED.count`;
      return row;
    });
    sse.send('usage', counted);
    finished = true;
    sse.send('done', { conversationId: stored.id, messageId: message.id });
  } catch (error) {
    if (abort.signal.aborted) {
      log.info({ botId: bot.id }, 'visitor disconnected: answer aborted');
      return;
    }
    const known = error instanceof AnswererError;
    log.error({ err: error, botId: bot.id }, 'chat answer failed');
    sse.send('error', {
      code: known ? 'UPSTREAM_FAILED' : AppErrorCode.INTERNAL_ERROR,
      message: known ? 'the assistant could not answer right now; please try again' : 'internal error',
      conversationId: stored.id,
    });
  } finally {
    finished = true;
    sse.end();
  }
}

/** One citation per citable source, in retrieval order; learn-only passages are never cited. */
function citationsOf(
  passages: {
    citable: boolean;
    sourceId: string;
    sourceName: string;
    sourceUrl: string | null;
    text: string;
    chunkId: string;
  }[],
): Citation[] {
  const seen = new Set<string>();
  const citations: Citation[] = [];
  for (const passage of passages) {
    if (!passage.citable || seen.has(passage.sourceId)) continue;
    seen.add(passage.sourceId);
    const snippet = passage.text.replace(/\s+/g, ' ').slice(0, 200);
    citations.push({
      title: passage.sourceName,
      ...(passage.sourceUrl && /^https?:\/\//.test(passage.sourceUrl) ? { url: passage.sourceUrl } : {}),
      snippet,
      sourceId: passage.sourceId,
      chunkId: passage.chunkId,
    });
  }
  return citations;
}
