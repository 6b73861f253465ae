import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest } from './chat-request.js';
import type { SentenceScorer } from './sentence-scorers.js';
import type { StreamAnswer } from './stream-answer.js';

export const OFFLINE_MODEL = 'offline-extractive';
/**
 * What a visitor reads when no passage matches and the request carries no fallback message.
 * Neutral: that no language model is configured is for the org (the `done` event says
 * `offline: true`), not for visitors.
 */
export const OFFLINE_NOTHING_FOUND = 'I could not find an answer to that in what I know.';

const MAX_SENTENCES = 3;
/** List items quoted after a chosen lead-in ("We accept:"): a list is quoted whole, up to this. */
const MAX_LIST_ITEMS = 10;
/**
 * Sentences scored per question: the model takes a few milliseconds a sentence, and 50
 * passages of 20,000 characters must not hold an answer for minutes.
 */
const MAX_SCORED_UNITS = 120;
/** Longer "sentences" are minified code, tables or data, not something to read out. */
const MAX_UNIT_CHARS = 1000;
/**
 * The pace of an offline answer, about a hosted model's (40 words a second). Sent as fast as
 * the loop can go, a whole answer left in a few milliseconds and reached the browser in one to
 * three reads, so the visitor saw it appear at once instead of being written.
 */
export const OFFLINE_WORD_DELAY_MS = 25;

/** An offline answer and the passages (indexes into the request's) it quotes. */
export interface OfflineAnswer {
  text: string;
  cited: number[];
}

/**
 * The answerer used when no upstream is configured: extractive, no language model. It picks
 * the passage sentences and list items closest to the last user message (`scorer`: the
 * sentence model, or shared words where it is not installed), keeps their original order, and
 * streams them word by word at a model's pace; when none is close enough, it says the bot's
 * fallback message. It ends with the passages it quoted, so only they are cited.
 */
export function createOfflineAnswerer(scorer: SentenceScorer): StreamAnswer {
  return async function* answerOffline(request, signal) {
    const answer = await composeOfflineAnswer(request, scorer, signal);
    const words = answer.text.match(/\S+\s*/g) ?? [];
    // max_tokens bounds the answer as it would a model's (a word is at least one token).
    for (const [index, token] of words.slice(0, request.max_tokens ?? words.length).entries()) {
      if (index > 0) await sleep(OFFLINE_WORD_DELAY_MS, undefined, { signal }).catch(() => {});
      if (signal.aborted) return undefined;
      yield token;
    }
    return { cited: answer.cited }; // the caller counts tokens itself
  };
}

export async function composeOfflineAnswer(
  request: ChatRequest,
  scorer: SentenceScorer,
  signal: AbortSignal = new AbortController().signal,
): Promise<OfflineAnswer> {
  const question = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const candidates = (request.passages ?? []).flatMap((passage, passageIndex) =>
    quotableUnits(passage.text).map((unit, unitIndex) => ({
      ...unit,
      passageIndex,
      source: passage.source,
      order: passageIndex * 10_000 + unitIndex,
      score: 0,
    })),
  );
  const scored = fairShare(candidates.filter((c) => c.text.length <= MAX_UNIT_CHARS));
  const scores = question.trim()
    ? await scorer.score(
        question,
        scored.map((c) => c.text),
        signal,
      )
    : [];
  scored.forEach((c, i) => {
    c.score = scores[i] ?? 0;
  });
  const top = Math.max(0, ...scored.map((c) => c.score));
  const chosen = scored
    // Below the floor a sentence is about something else: quoting it (and citing its passage)
    // would answer another question.
    .filter((c) => scorer.accepts(c.score, top))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, MAX_SENTENCES);
  const best = withTheirLists(chosen, candidates).sort((a, b) => a.order - b.order);
  if (best.length === 0) return { text: request.fallback_message ?? OFFLINE_NOTHING_FOUND, cited: [] };
  let text = '';
  best.forEach((unit, i) => {
    const next = best[i + 1];
    // A passage's source is cited once, after the last thing quoted from it in a row.
    const cite = unit.source && next?.passageIndex !== unit.passageIndex ? ` [${unit.source}]` : '';
    const separator = i === 0 ? '' : unit.listItem || best[i - 1]?.listItem ? '\n' : ' ';
    text += `${separator}${unit.listItem ? `${unit.marker} ` : ''}${unit.text}${cite}`;
  });
  return { text, cited: [...new Set(best.map((u) => u.passageIndex))].sort((a, b) => a - b) };
}

/**
 * At most MAX_SCORED_UNITS candidates, taken in turns from each passage (its first sentence,
 * then each one's second, ...): one long passage cannot crowd out the others' sentences.
 */
function fairShare<T extends { passageIndex: number; order: number }>(candidates: T[]): T[] {
  if (candidates.length <= MAX_SCORED_UNITS) return candidates;
  const rank = new Map<T, number>();
  const seen = new Map<number, number>();
  for (const c of candidates) {
    const n = seen.get(c.passageIndex) ?? 0;
    rank.set(c, n);
    seen.set(c.passageIndex, n + 1);
  }
  return [...candidates]
    .sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number) || a.order - b.order)
    .slice(0, MAX_SCORED_UNITS);
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

interface QuotableUnit {
  text: string;
  listItem: boolean;
  /** How a list item is written back: `-`, or an ordered list's own number (`2.`). */
  marker: string;
}

/**
 * A passage as plain sentences and list items: knowledge is often markdown, and a visitor
 * should read "Refunds take 30 days", not "**Refunds** take [30 days](/policy)". Code blocks are
 * not quoted; a table's rows become list items that name their columns ("Plan: Pro; Refund: 60
 * days"), its header and rule are not quoted.
 */
function quotableUnits(text: string): QuotableUnit[] {
  const units: QuotableUnit[] = [];
  let paragraph: string[] = [];
  let fence: string | null = null;
  let tableHeader: string[] | null = null;
  // Scripts, styles and comments of scraped HTML are not words a visitor should read.
  const readable = text.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->/gi, ' ');
  const flush = () => {
    for (const sentence of splitSentences(paragraph.join(' ')))
      units.push({ text: sentence, listItem: false, marker: '' });
    paragraph = [];
  };
  for (const line of readable.split('\n')) {
    const fenceMark = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = null;
      continue;
    }
    if (fenceMark) {
      flush();
      fence = fenceMark;
      continue;
    }
    const cells = tableCells(line);
    if (cells) {
      flush();
      if (cells.every((cell) => /^:?-{3,}:?$/.test(cell))) continue;
      if (!tableHeader) {
        tableHeader = cells.map(stripMarkdown);
        continue;
      }
      const header = tableHeader;
      const row = cells
        .map(stripMarkdown)
        .map((cell, i) => (cell && header[i] ? `${header[i]}: ${cell}` : cell))
        .filter(Boolean)
        .join('; ');
      if (row) units.push({ text: row, listItem: true, marker: '-' });
      continue;
    }
    tableHeader = null;
    const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const plain = stripMarkdown(item[2] ?? '');
      const marker = /^\d/.test(item[1] ?? '') ? `${Number.parseInt(item[1] ?? '', 10)}.` : '-';
      if (plain) units.push({ text: plain, listItem: true, marker });
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

/** The cells of a markdown table row (`| a | b |`), or null for any other line. */
function tableCells(line: string): string[] | null {
  const row = /^\s*\|(.*)\|\s*$/.exec(line)?.[1];
  return row === undefined ? null : row.split('|').map((cell) => cell.trim());
}

function stripMarkdown(line: string): string {
  return (
    line
      // Knowledge scraped from the web may hold HTML: its tags are markup, never words to quote.
      .replace(/<\/?[a-z][^>]*>/gi, ' ')
      // A link's target may hold one level of parentheses (`/wiki/Set_(mathematics)`).
      .replace(/!\[[^\]]*\]\((?:[^()]|\([^()]*\))*\)/g, '')
      .replace(/\[([^\]]+)\]\((?:[^()]|\([^()]*\))*\)/g, '$1')
      .replace(/`([^`]*)`/g, '$1')
      .replace(/(\*\*|__)(.+?)\1/g, '$2')
      .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s.,;:!?)]|$)/g, '$1$2')
      .replace(/^\s*>\s?/, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function splitSentences(text: string): string[] {
  return (text.replace(/\s+/g, ' ').match(/[^.!?]+[.!?]*/g) ?? []).map((s) => s.trim()).filter(Boolean);
}
