import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest } from './chat-request.js';
import type { StreamAnswer } from './stream-answer.js';

export const OFFLINE_MODEL = 'offline-extractive';
/**
 * What a visitor reads when no passage matches and the request carries no fallback message.
 * Neutral: that no language model is configured is for the org (the `done` event says
 * `offline: true`), not for visitors.
 */
export const OFFLINE_NOTHING_FOUND = 'I could not find an answer to that in what I know.';

const STOPWORDS = new Set(
  'a an and are as at be by can do does for from has have how i in is it its me my of on or our so that the their them then there these this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);
const MAX_SENTENCES = 3;
/** A quoted sentence holds at least this share of the question's content words. */
const MIN_RELEVANCE = 0.34;
/** ...and at least this share of the best sentence's: a weak neighbour is not an answer. */
const RELATIVE_RELEVANCE = 0.5;
/** List items quoted after a chosen lead-in ("We accept:"): a list is quoted whole, up to this. */
const MAX_LIST_ITEMS = 10;
/**
 * The pace of an offline answer, about a hosted model's (40 words a second). Sent as fast as
 * the loop can go, a whole answer left in a few milliseconds and reached the browser in one to
 * three reads, so the visitor saw it appear at once instead of being written.
 */
export const OFFLINE_WORD_DELAY_MS = 25;

/**
 * The answerer used when no upstream is configured: extractive, no model at all. It picks the
 * passage sentences and list items that hold the largest share of the last user message's
 * words, keeps their original order, and streams them word by word at a model's pace; when
 * none holds enough, it says the bot's fallback message.
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
    quotableUnits(passage.text).map((unit, unitIndex) => ({
      ...unit,
      passageIndex,
      source: passage.source,
      order: passageIndex * 10_000 + unitIndex,
      score: relevance(questionWords, unit.text),
    })),
  );
  const top = Math.max(0, ...candidates.map((c) => c.score));
  const chosen = candidates
    // Below the floor a sentence shares only an incidental word with the question: quoting it
    // (and citing its passage) would answer something else.
    .filter((c) => c.score >= MIN_RELEVANCE && c.score >= top * RELATIVE_RELEVANCE)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, MAX_SENTENCES);
  const best = withTheirLists(chosen, candidates).sort((a, b) => a.order - b.order);
  if (best.length === 0) return request.fallback_message ?? OFFLINE_NOTHING_FOUND;
  let answer = '';
  best.forEach((unit, i) => {
    const next = best[i + 1];
    // A passage's source is cited once, after the last thing quoted from it in a row.
    const cite = unit.source && next?.passageIndex !== unit.passageIndex ? ` [${unit.source}]` : '';
    const separator = i === 0 ? '' : unit.listItem || best[i - 1]?.listItem ? '\n' : ' ';
    answer += `${separator}${unit.listItem ? '- ' : ''}${unit.text}${cite}`;
  });
  return answer;
}

/**
 * A chosen sentence that introduces a list ("Accepted cards:") answers with the list, so the
 * items that follow it in its passage come along, however few of the question's words they hold.
 */
function withTheirLists<T extends { text: string; listItem: boolean; passageIndex: number }>(
  chosen: T[],
  candidates: T[],
): T[] {
  const picked = new Set(chosen);
  for (const unit of chosen) {
    if (unit.listItem || !unit.text.endsWith(':')) continue;
    let index = candidates.indexOf(unit) + 1;
    for (let taken = 0; taken < MAX_LIST_ITEMS; taken++, index++) {
      const item = candidates[index];
      if (!item?.listItem || item.passageIndex !== unit.passageIndex) break;
      picked.add(item);
    }
  }
  return [...picked];
}

/** The share of the question's content words that a sentence contains, from 0 to 1. */
function relevance(questionWords: Set<string>, text: string): number {
  if (questionWords.size === 0) return 0;
  const shared = new Set(words(text).filter((w) => questionWords.has(w)));
  return shared.size / questionWords.size;
}

/**
 * A passage as plain sentences and list items: knowledge is often markdown, and a visitor
 * should read "Refunds take 30 days", not "**Refunds** take [30 days](/policy)".
 */
function quotableUnits(text: string): { text: string; listItem: boolean }[] {
  const units: { text: string; listItem: boolean }[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    for (const sentence of splitSentences(paragraph.join(' ')))
      units.push({ text: sentence, listItem: false });
    paragraph = [];
  };
  for (const line of text.split('\n')) {
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const plain = stripMarkdown(item[1] ?? '');
      if (plain) units.push({ text: plain, listItem: true });
    } else if (/^\s*$/.test(line) || /^\s*#{1,6}\s/.test(line)) {
      // Headings end a paragraph and are not quoted: they are titles, not answers.
      flush();
    } else {
      paragraph.push(stripMarkdown(line));
    }
  }
  flush();
  return units;
}

function stripMarkdown(line: string): string {
  return line
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s.,;:!?)]|$)/g, '$1$2')
    .replace(/^\s*>\s?/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((w) => w.length > 1 && !STOPWORDS.has(w))
    .map(singular);
}

/** "refunds" and "refund" are one word to a visitor; a plain plural -s is enough to meet them. */
function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function splitSentences(text: string): string[] {
  return (text.replace(/\s+/g, ' ').match(/[^.!?]+[.!?]*/g) ?? []).map((s) => s.trim()).filter(Boolean);
}
