import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest } from './chat-request.js';
import type { StreamAnswer } from './stream-answer.js';

export const OFFLINE_MODEL = 'offline-extractive';
/**
 * What a visitor reads when no passage matches. Neutral: that no language model is configured
 * is for the org (the `done` event says `offline: true`), not for visitors.
 */
export const OFFLINE_NOTHING_FOUND = 'I could not find an answer to that in what I know.';

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
 * passage sentences and list items that share the most words with the last user message,
 * keeps their original order, and streams them word by word at a model's pace.
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
      score: new Set(words(unit.text).filter((w) => questionWords.has(w))).size,
    })),
  );
  const best = candidates
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, MAX_SENTENCES)
    .sort((a, b) => a.order - b.order);
  if (best.length === 0) return OFFLINE_NOTHING_FOUND;
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
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !STOPWORDS.has(w));
}

function splitSentences(text: string): string[] {
  return (text.replace(/\s+/g, ' ').match(/[^.!?]+[.!?]*/g) ?? []).map((s) => s.trim()).filter(Boolean);
}
