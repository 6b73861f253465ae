import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest } from './chat-request.js';
import type { StreamAnswer } from './stream-answer.js';

export const OFFLINE_MODEL = 'offline-extractive';
export const OFFLINE_PREFIX =
  'Offline answer (no language model is configured), quoted from the knowledge base:';
export const OFFLINE_NOTHING_FOUND =
  'Offline answer (no language model is configured): the knowledge base has nothing that matches this question.';

const STOPWORDS = new Set(
  'a an and are as at be by can do does for from has have how i in is it its me my of on or our so that the their them then there these this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);
const MAX_SENTENCES = 3;
/**
 * The pace of an offline answer, about a hosted model's (40 words a second). Sent as fast as
 * the loop can go, a whole answer left in a few milliseconds and reached the browser in one to
 * three reads, so the visitor saw it appear at once instead of being written.
 */
export const OFFLINE_WORD_DELAY_MS = 25;

/**
 * The answerer used when no upstream is configured: extractive, no model at all. It picks the
 * passage sentences that share the most words with the last user message, keeps their
 * original order, says that this is an offline answer, and streams it word by word at a
 * model's pace.
 */
export const answerOffline: StreamAnswer = async function* (request, signal) {
  const words = composeOfflineAnswer(request).match(/\S+\s*/g) ?? [];
  // max_tokens bounds the answer as it would a model's (a word is at least one token).
  for (const [index, token] of words.slice(0, request.max_tokens ?? words.length).entries()) {
    if (index > 0) await sleep(OFFLINE_WORD_DELAY_MS, undefined, { signal }).catch(() => {});
    if (signal.aborted) return undefined;
    yield token;
  }
  return undefined; // the caller counts tokens itself
};

export function composeOfflineAnswer(request: ChatRequest): string {
  const question = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const questionWords = new Set(words(question));
  const candidates = (request.passages ?? []).flatMap((passage, passageIndex) =>
    splitSentences(passage.text).map((sentence, sentenceIndex) => ({
      sentence,
      source: passage.source,
      order: passageIndex * 10_000 + sentenceIndex,
      score: new Set(words(sentence).filter((w) => questionWords.has(w))).size,
    })),
  );
  const best = candidates
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, MAX_SENTENCES)
    .sort((a, b) => a.order - b.order);
  if (best.length === 0) return OFFLINE_NOTHING_FOUND;
  const body = best.map((c) => (c.source ? `${c.sentence} [${c.source}]` : c.sentence)).join(' ');
  return `${OFFLINE_PREFIX} ${body}`;
}

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !STOPWORDS.has(w));
}

function splitSentences(text: string): string[] {
  return (text.replace(/\s+/g, ' ').match(/[^.!?]+[.!?]*/g) ?? []).map((s) => s.trim()).filter(Boolean);
}
