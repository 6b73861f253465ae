import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Logger } from '../../logger.js';
import type { BotPlatform } from '../bots/bot-platform.js';
import { activePlanOf, checkMessageQuota } from '../quotas/check-message-quota.js';
import { LearnOnlyFilter } from '../retrieval/learn-only-filter.js';
import { retrievePassages } from '../retrieval/retrieve-passages.js';
import { admitChatTurn } from './admit-chat-turn.js';
import { AnswererError, type AnswerUsage } from './answerer.js';
import { buildPrompt } from './build-prompt.js';
import { checkChatAccess } from './check-chat-access.js';
import { dayWindow, minuteWindow, sweepOldCounters } from './rate-limits.js';
import { recordChatTurn } from './record-chat-turn.js';
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
 * access, rate limits, the visitor's daily spend, the org's quota. Then passages are
 * retrieved and the answer streamed as SSE: `token`..., `citations`, `usage`, `done` (or
 * `error`).
 *
 * Database work is kept to a few single statements and no transaction, because on the
 * embedded database every statement of every request shares one connection: before the
 * first token, the bot (cached briefly), one admission statement (counters, spend, quota
 * usage, history) and the retrieval; after the last token, one statement writes the
 * question, the answer and every counter (recordChatTurn) — before `done`, so a counted
 * answer is always a stored one. A visitor who disconnects aborts the upstream call; the
 * question is kept, nothing is counted for an answer never completed.
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
  const started = performance.now();
  const bot = await platform.chatBots.get(db, options.botId, now);
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
  const { plan, usageSince } = await activePlanOf({ plans: platform.plans, orgId: bot.orgId, now });
  const answerer = platform.answerer;
  if (!answerer) throw new AppError(AppErrorCode.NOT_READY, 'no language model is configured on this server');

  // Visitors are counted by address (req.ip honours exactly TRUST_PROXY_HOPS proxies): a
  // visitor id is chosen by the client and could be rotated to escape the limit.
  const visitorKey = caller.kind === 'apiKey' ? `key:${caller.keyId}` : `ip:${req.ip ?? 'unknown'}`;
  const visitorId = input.visitorId ?? (caller.kind === 'member' ? `member:${caller.address}` : visitorKey);
  const minute = minuteWindow(now);
  const day = dayWindow(now);
  const spendKey = `spend:${bot.id}:${visitorKey}`;
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
  });
  const retryAfter = String(Math.max(1, Math.ceil((minute.getTime() + 60_000 - now.getTime()) / 1000)));
  if (admission.visitorCount > bot.visitorRateLimitPerMin) {
    res.setHeader('retry-after', retryAfter);
    throw new AppError(AppErrorCode.RATE_LIMITED, 'too many messages: please wait a moment', {
      details: { reason: 'visitor_rate_limit', limitPerMinute: bot.visitorRateLimitPerMin },
    });
  }
  if (admission.botCount > bot.botRateLimitPerMin) {
    res.setHeader('retry-after', retryAfter);
    throw new AppError(
      AppErrorCode.RATE_LIMITED,
      'this assistant is very busy: please try again in a moment',
      { details: { reason: 'bot_rate_limit' } },
    );
  }
  if (Math.random() < 0.01)
    void sweepOldCounters({ db, before: new Date(now.getTime() - 2 * 86_400_000) }).catch(() => {});
  if (admission.spent >= bot.visitorDailyTokenCap) {
    res.setHeader('retry-after', String(Math.ceil((day.getTime() + 86_400_000 - now.getTime()) / 1000)));
    throw new AppError(
      AppErrorCode.RATE_LIMITED,
      'you have reached today’s limit for this assistant: please come back tomorrow',
      { details: { reason: 'visitor_spend_cap' } },
    );
  }
  await checkMessageQuota({
    db,
    plans: platform.plans,
    orgId: bot.orgId,
    plan,
    offChainMessages: admission.messagesUsed ?? 0,
    now,
  });
  // The conversation: an existing one must belong to this bot and this visitor.
  if (input.conversationId && !admission.conversation)
    throw new AppError(
      AppErrorCode.NOT_FOUND,
      'this conversation does not exist: start a new one without conversationId',
    );
  const history = admission.conversation?.history ?? [];
  const isNew = !input.conversationId;
  const conversationId = input.conversationId ?? randomUUID();
  const admitted = performance.now();

  const abort = new AbortController();
  let finished = false;
  res.on('close', () => {
    if (!finished) abort.abort();
  });
  const sse = new SseStream(res);
  sse.open();
  const turn = {
    db,
    botId: bot.id,
    orgId: bot.orgId,
    conversationId,
    isNewConversation: isNew,
    visitorId,
    origin: req.get('origin') ?? null,
    question: input.message,
    askedAt: now,
    spendKey,
  };
  let recorded = false;
  try {
    const passages = await retrievePassages({
      db,
      botId: bot.id,
      embedder: platform.embedderFor(bot.embedder),
      query: input.message,
      limit: platform.settings.chatRetrievalPassages,
      signal: abort.signal,
    });
    const retrieved = performance.now();
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
    let text = '';
    let usage: AnswerUsage | undefined;
    let firstToken: number | undefined;
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
        const piece = filter.push(event.text);
        if (piece) {
          firstToken ??= performance.now();
          text += piece;
          sse.send('token', { text: piece });
        }
      } else usage = event.usage;
    }
    const tail = filter.end();
    if (tail) {
      text += tail;
      sse.send('token', { text: tail });
    }
    if (abort.signal.aborted) return;
    const citations = citationsOf(passages);
    sse.send('citations', { citations });
    const counted = usage ?? { promptTokens: 0, completionTokens: 0 };
    const answer = {
      id: randomUUID(),
      content: text,
      citations: citations.map(({ title, url, sourceId, chunkId }) => ({
        title,
        sourceId,
        chunkId,
        ...(url ? { url } : {}),
      })),
      promptTokens: counted.promptTokens,
      completionTokens: counted.completionTokens,
      answeredAt: new Date(),
    };
    await recordChatTurn({ ...turn, answer });
    recorded = true;
    sse.send('usage', counted);
    finished = true;
    sse.send('done', { conversationId, messageId: answer.id });
    log.debug(
      {
        botId: bot.id,
        ms: {
          admit: round(admitted - started),
          retrieve: round(retrieved - admitted),
          firstToken: firstToken === undefined ? null : round(firstToken - started),
          total: round(performance.now() - started),
        },
      },
      'chat turn timings',
    );
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
      conversationId,
    });
  } finally {
    finished = true;
    sse.end();
    // A turn that ended without a stored answer (disconnect, model failure, a failed write)
    // still keeps the visitor's question.
    if (!recorded)
      await recordChatTurn({ ...turn, answer: null }).catch((error: unknown) =>
        log.error({ err: error, botId: bot.id }, 'storing the question of an unanswered chat turn failed'),
      );
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
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
