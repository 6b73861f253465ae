import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/prisma.js';
import { AppErrorCode } from '../../http/app-error.js';
import type { Logger } from '../../logger.js';
import type { BotPlatform } from '../bots/bot-platform.js';
import { retrievePassages } from '../retrieval/retrieve-passages.js';
import type { AdmittedChat } from './admit-chat.js';
import { AnswererError, type AnswerUsage } from './answerer.js';
import { buildPrompt } from './build-prompt.js';
import { citedPassageIndexes } from './cited-passages.js';
import { LearnOnlyGuard } from './learn-only-guard.js';
import { recordChatTurn } from './record-chat-turn.js';

/** Where an answer's events go: the route owns it (an SSE response for the public chat). */
export interface ChatSink {
  /** Sends one event; a sink whose reader has gone silently drops it. */
  send(event: 'token' | 'citations' | 'usage' | 'done' | 'error', data: unknown): void;
}

export interface Citation {
  title: string;
  url?: string;
  snippet: string;
  sourceId: string;
  chunkId: string;
}

/**
 * Answers an admitted chat turn into `sink`: `token`..., `citations`, `usage`, `done`, or `error`.
 *
 * Metering. Every answer the model produced is counted, and counted once: the turn is written
 * by ONE recordChatTurn, after the answer stream ended, with the usage the gateway attested
 * for it — the same figures the relayer puts on chain. That holds when the answer ends early:
 * when the visitor leaves (`signal`), the answerer stops the model and still reports what the
 * stopped answer consumed; when the model fails mid-answer, the gateway's error carries what it
 * attested. A turn whose model was never called (the visitor left during retrieval, the
 * gateway refused it) stores only the question and counts nothing.
 *
 * Database work is a few single statements and no transaction (every statement shares one
 * connection on the embedded database); the write happens before `done`, so a counted answer
 * is always a stored one.
 */
export async function answerChat(options: {
  db: Database;
  platform: BotPlatform;
  turn: AdmittedChat;
  sink: ChatSink;
  /** Aborts when the visitor leaves. */
  signal: AbortSignal;
  log: Logger;
  /** How long admission took before this answer started, for the turn's timing line. */
  admittedInMs?: number;
}): Promise<void> {
  const { db, platform, turn, sink, signal, log } = options;
  const admitted = options.admittedInMs ?? 0;
  const { bot } = turn;
  const started = performance.now();
  let text = '';
  let citations: Citation[] = [];
  let counted: AnswerUsage | undefined;
  let cited: number[] | undefined;
  let failure: unknown;
  let firstToken: number | undefined;
  try {
    const passages = await retrievePassages({
      db,
      botId: bot.id,
      slot: bot.vectorSlot,
      embedder: platform.embedderFor(bot.embedder),
      query: turn.question,
      limit: platform.settings.chatRetrievalPassages,
      signal,
    });
    const retrieved = performance.now();
    const prompt = buildPrompt({
      systemPrompt: bot.systemPrompt,
      history: turn.history,
      question: turn.question,
      passages,
    });
    const guard = new LearnOnlyGuard({
      learnOnly: passages.filter((p) => !p.citable).map((p) => p.text),
      allowed: [turn.question, ...passages.filter((p) => p.citable).map((p) => p.text)],
      secrets: bot.secrets,
    });
    for await (const event of turn.answerer.stream(
      {
        orgId: bot.orgId,
        botId: bot.id,
        model: bot.model,
        maxTokens: bot.maxTokens,
        temperature: bot.temperature,
        ...(bot.fallbackMessage ? { fallbackMessage: bot.fallbackMessage } : {}),
        ...prompt,
      },
      signal,
    )) {
      if (event.type === 'token') {
        const piece = guard.push(event.text);
        if (piece) {
          firstToken ??= performance.now();
          text += piece;
          sink.send('token', { text: piece });
        }
      } else {
        counted = event.usage ?? { promptTokens: 0, completionTokens: 0 };
        cited = event.cited;
      }
    }
    const tail = guard.end();
    if (tail) {
      text += tail;
      sink.send('token', { text: tail });
    }
    if (guard.withheld)
      log.warn(
        { botId: bot.id, check: guard.withheldBy },
        'an answer was withheld: it repeated learn-only knowledge',
      );
    // Only the sources the answer uses; the prompt sent the citable passages in this order.
    const citable = passages.filter((p) => p.citable);
    const which = citedPassageIndexes({ answer: text, passageCount: citable.length, cited });
    citations = citationsOf(which ? which.map((i) => citable[i] as (typeof citable)[number]) : citable);
    log.debug(
      {
        botId: bot.id,
        ms: {
          // Each from the request's arrival: admission, then retrieval, then the model.
          admit: round(admitted),
          retrieve: round(retrieved - started),
          firstToken: firstToken === undefined ? null : round(admitted + firstToken - started),
          total: round(admitted + performance.now() - started),
        },
      },
      'chat turn timings',
    );
  } catch (error) {
    failure = error;
    if (error instanceof AnswererError) counted = error.usage;
  }

  const answer =
    counted === undefined
      ? null
      : {
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
  try {
    await recordChatTurn({
      db,
      botId: bot.id,
      orgId: bot.orgId,
      conversationId: turn.conversationId,
      isNewConversation: turn.isNewConversation,
      visitorId: turn.visitorId,
      origin: turn.origin,
      question: turn.question,
      askedAt: turn.askedAt,
      answer,
      spendKey: turn.spendKey,
      reservation: turn.reservation,
    });
  } catch (error) {
    log.error({ err: error, botId: bot.id, usage: counted }, 'storing a chat turn failed');
    failure = error; // an answer that is not stored must not say `done`
  }

  if (signal.aborted) {
    log.info({ botId: bot.id, counted }, 'visitor left: the answer was stopped');
    return;
  }
  if (failure) {
    const known = failure instanceof AnswererError;
    if (!known) log.error({ err: failure, botId: bot.id }, 'chat answer failed');
    else log.warn({ botId: bot.id, err: failure }, 'the model could not answer');
    sink.send('error', {
      code: known ? AppErrorCode.UPSTREAM_FAILED : AppErrorCode.INTERNAL_ERROR,
      message: known ? 'the assistant could not answer right now; please try again' : 'internal error',
      conversationId: turn.conversationId,
    });
    return;
  }
  sink.send('citations', { citations });
  sink.send('usage', counted);
  sink.send('done', { conversationId: turn.conversationId, messageId: answer?.id });
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
  const result: Citation[] = [];
  for (const passage of passages) {
    if (!passage.citable || seen.has(passage.sourceId)) continue;
    seen.add(passage.sourceId);
    const snippet = passage.text.replace(/\s+/g, ' ').slice(0, 200);
    result.push({
      title: passage.sourceName,
      ...(passage.sourceUrl && /^https?:\/\//.test(passage.sourceUrl) ? { url: passage.sourceUrl } : {}),
      snippet,
      sourceId: passage.sourceId,
      chunkId: passage.chunkId,
    });
  }
  return result;
}
