import { setTimeout as sleep } from 'node:timers/promises';

/** The longest politeness delay a site can ask for (`delayMs` ≤ 60 s); a host idle longer is forgotten. */
const FORGET_AFTER_MS = 60_000;

interface HostSlot {
  /** Settles when the host's last queued request has ended. */
  tail: Promise<void>;
  /** When the host's last request ended (`Date.now()`). */
  lastAt: number;
  pending: number;
}

/**
 * Spaces the requests to one host across every crawl of this api process: one request at a
 * time per host, each `delayMs` after the previous one ended, whichever crawl made it. So a
 * crawl that starts right after another of the same host (the claim never runs two at once)
 * still waits its turn, and politeness never depends on how crawls are scheduled.
 */
export class HostPacer {
  private readonly hosts = new Map<string, HostSlot>();

  run<T>(host: string, delayMs: number, request: () => Promise<T>): Promise<T> {
    const slot = this.slot(host);
    slot.pending++;
    const result = slot.tail.then(async () => {
      const wait = slot.lastAt + delayMs - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        return await request();
      } finally {
        slot.lastAt = Date.now();
        slot.pending--;
      }
    });
    slot.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private slot(host: string): HostSlot {
    const existing = this.hosts.get(host);
    if (existing) return existing;
    const now = Date.now();
    for (const [name, slot] of this.hosts)
      if (slot.pending === 0 && now - slot.lastAt > FORGET_AFTER_MS) this.hosts.delete(name);
    const created: HostSlot = { tail: Promise.resolve(), lastAt: 0, pending: 0 };
    this.hosts.set(host, created);
    return created;
  }
}
