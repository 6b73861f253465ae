// Bounded retries for every request the frame makes. A widget bug that loops requests runs up
// the bot owner's LLM bill (a known failure of other widgets), so the bounds are hard:
// at most MAX_RETRIES retries per user action, exponential backoff between them, and a budget
// of failed attempts per page load after which the frame stops calling the server at all.

export const MAX_RETRIES = 3;
export const BASE_DELAY_MS = 400;
export const MAX_DELAY_MS = 8_000;
/** Longest Retry-After we sleep through; longer ones are shown to the visitor instead. */
export const MAX_RETRY_AFTER_MS = 30_000;
/** Failed attempts allowed per page load, all user actions together. */
export const FAILURE_BUDGET = 12;

export interface RetryEnvironment {
  sleep(ms: number): Promise<void>;
  /** 0..1; full jitter spreads the retries of many visitors after an outage. */
  random(): number;
}

const browserEnvironment: RetryEnvironment = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The delay before retry number `attempt` (0-based): half fixed, half jittered, capped. */
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Why the last attempt failed, when no retry could make it succeed. */
export class RequestFailure extends Error {
  constructor(
    readonly reason: 'network' | 'server' | 'rate-limited' | 'budget-exhausted',
    /** For 'rate-limited': how long the server asked us to wait. */
    readonly waitMs?: number,
  ) {
    super(reason);
  }
}

function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export function createRequester(env: RetryEnvironment = browserEnvironment) {
  let failuresLeft = FAILURE_BUDGET;
  /**
   * Runs `send` until it yields a final response. A response the client caused (4xx other than
   * 408/429) or a success is returned as is, for the caller to read; retryable failures that
   * outlast the retries throw a RequestFailure.
   */
  return async function requestWithRetry(send: () => Promise<Response>): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      if (failuresLeft <= 0) throw new RequestFailure('budget-exhausted');
      let response: Response | undefined;
      try {
        response = await send();
      } catch {
        response = undefined; // network failure: no response at all
      }
      if (response && !isRetryable(response.status)) return response;
      failuresLeft--;
      const askedWait =
        response?.status === 429 ? retryAfterMs(response.headers.get('retry-after')) : undefined;
      if (askedWait !== undefined && askedWait > MAX_RETRY_AFTER_MS) {
        throw new RequestFailure('rate-limited', askedWait);
      }
      if (attempt >= MAX_RETRIES || failuresLeft <= 0) {
        if (response?.status === 429) throw new RequestFailure('rate-limited', askedWait);
        throw new RequestFailure(response ? 'server' : 'network');
      }
      await env.sleep(askedWait ?? backoffDelay(attempt, env.random));
    }
  };
}
