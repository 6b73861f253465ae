/**
 * What an admitted chat turn holds until it is recorded: an estimate of its tokens against the
 * visitor's daily spend cap and one message against the org's quota. Admission adds both to
 * "held" counters in the statement that checks the caps (admitChatTurn), so turns that run at
 * the same time see each other; the turn's recording (recordChatTurn) takes them off again
 * while it adds what the answer really consumed. A turn whose api crashed never settles: held
 * counters live in windows of HOLD_WINDOW_MS and admission sums only the current and the
 * previous window, so a leaked hold stops counting after at most two windows.
 */
export interface ChatReservation {
  /** The window the hold was added to; the settlement takes it off there. */
  window: Date;
  /** Held tokens of the visitor (RateLimitCounter key) and how many. */
  heldSpendKey: string;
  tokens: number;
  /** Held messages of the org (RateLimitCounter key): one per turn. */
  heldMessagesKey: string;
}

/** A turn lasts at most LLM_TIMEOUT_SECONDS (≤ 600 s): its hold outlives it. */
export const HOLD_WINDOW_MS = 10 * 60_000;

export function holdWindow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / HOLD_WINDOW_MS) * HOLD_WINDOW_MS);
}

/** Holds added at or after this time still count (the current and the previous window). */
export function holdsCountSince(now: Date): Date {
  return new Date(holdWindow(now).getTime() - HOLD_WINDOW_MS);
}

/**
 * Characters per token assumed for the estimate: English runs about 4 characters a token, so
 * 3 over-estimates, which only makes admission a little more careful.
 */
const CHARS_PER_TOKEN = 3;
/** A retrieved passage is a chunk of about 1,000 characters plus its heading trail. */
const PASSAGE_CHARS = 1200;
/** The prompt's fixed rules and framing. */
const FRAMING_TOKENS = 150;

/**
 * An upper-ish estimate of a turn's prompt + completion tokens, known before retrieval: the
 * system prompt and the question, the passages retrieval may add, and the bot's whole
 * completion budget. The conversation's history is added in SQL, where it is read
 * (`historyTokens`).
 */
export function estimateTurnTokens(options: {
  systemPrompt: string;
  question: string;
  passages: number;
  maxTokens: number;
}): number {
  const chars = options.systemPrompt.length + options.question.length + options.passages * PASSAGE_CHARS;
  return Math.ceil(chars / CHARS_PER_TOKEN) + FRAMING_TOKENS + options.maxTokens;
}

/** The same estimate for text measured in SQL. */
export const ESTIMATE_CHARS_PER_TOKEN = CHARS_PER_TOKEN;
