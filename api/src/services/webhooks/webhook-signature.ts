import { createHmac } from 'node:crypto';

export const WEBHOOK_SIGNATURE_HEADER = 'x-privexbot-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-privexbot-timestamp';

/**
 * Receivers verify a delivery with the bot's webhook secret: hex HMAC-SHA256 over
 * `<timestamp>.<raw body>` (the same construction as the gateway's, and Stripe's), and
 * refuse old timestamps to stop replays.
 */
export function webhookSignature(secret: string, timestampMs: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: 10 s, 20 s, 40 s ... capped at
 * one hour, plus up to 10 % jitter so a receiver that comes back is not hit by every retry
 * at once. `random` is injectable so tests can pin the schedule.
 */
export function webhookRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.1 * random()));
}
