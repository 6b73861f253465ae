import type { SignedAttestationJson } from '@privexbot/schema/attestation';

/** What one chat request consumed, as the gateway attested it (or did not). */
export type ChatOutcome =
  | {
      attested: true;
      /** The answer ended before the model finished: a disconnect, a stop or an upstream failure. */
      partial: boolean;
      usage: { prompt_tokens: number; completion_tokens: number; counted_by: string };
      model: string;
      attestation: SignedAttestationJson;
    }
  | {
      attested: false;
      /** Why nothing was signed: the model was never called, it failed before answering, or signing failed. */
      reason: 'not_started' | 'upstream_failed' | 'attestation_failed' | 'refused';
    };

interface Entry {
  controller: AbortController | undefined;
  settled: Promise<ChatOutcome>;
  settle(outcome: ChatOutcome): void;
  settledAt: number | undefined;
}

/**
 * The outcome of every recent chat request by the request id the api gave it, so the api can
 * stop an answer its visitor left and learn what it cost, exactly once, even when its own
 * connection to the gateway broke. A stop that arrives before its request leaves a settled
 * "not started" entry, and the request is then refused before the model is called: whatever
 * the order, the api and the attestation log agree.
 *
 * Settled entries are kept `retentionMs` (the api asks within seconds; the HMAC window refuses
 * requests older than a minute), and at most `maxEntries`, oldest settled first.
 */
export class ChatOutcomes {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: { retentionMs: number; maxEntries: number; now: () => number }) {}

  /** Registers a request about to call the model; undefined when its id was stopped or already used. */
  begin(requestId: string): AbortController | undefined {
    this.prune();
    if (this.entries.has(requestId)) return undefined;
    const controller = new AbortController();
    this.entries.set(requestId, { ...pending(), controller });
    return controller;
  }

  finish(requestId: string, outcome: ChatOutcome): void {
    const entry = this.entries.get(requestId);
    if (!entry || entry.settledAt !== undefined) return;
    entry.settledAt = this.options.now();
    entry.controller = undefined;
    entry.settle(outcome);
  }

  /** Stops the request if it still runs and waits for what it consumed. */
  async stop(requestId: string): Promise<ChatOutcome> {
    let entry = this.entries.get(requestId);
    if (!entry) {
      this.prune();
      // Never seen: remember the stop so the request, if it arrives later, is refused unanswered.
      entry = pending();
      this.entries.set(requestId, entry);
      entry.settledAt = this.options.now();
      entry.settle({ attested: false, reason: 'not_started' });
    }
    entry.controller?.abort();
    return entry.settled;
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    const now = this.options.now();
    for (const [id, entry] of this.entries) {
      const expired = entry.settledAt !== undefined && now - entry.settledAt > this.options.retentionMs;
      if (expired || (this.entries.size > this.options.maxEntries && entry.settledAt !== undefined))
        this.entries.delete(id);
      else if (this.entries.size <= this.options.maxEntries) break; // insertion order: the rest is newer
    }
  }
}

function pending(): Entry {
  let settle!: (outcome: ChatOutcome) => void;
  const settled = new Promise<ChatOutcome>((resolve) => {
    settle = resolve;
  });
  return { controller: undefined, settled, settle, settledAt: undefined };
}
