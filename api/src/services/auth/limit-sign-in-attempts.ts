import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { clientKey } from '../../http/client-address.js';
import { incrementCounters, minuteWindow } from '../chat/rate-limits.js';

/**
 * Sign-in requests per client address and minute (fixed window, shared by every api process
 * through RateLimitCounter): challenges cost a database row each and verifications a
 * signature check, so an unthrottled client could flood both. `ip` is req.ip (X-Forwarded-For
 * only from TRUSTED_PROXIES), counted by clientKey (an IPv6 client by its /64). Over the
 * limit: 429 with `Retry-After`.
 */
export async function limitSignInAttempts(options: {
  db: Database;
  step: 'challenge' | 'verify';
  ip: string | undefined;
  limitPerMinute: number;
  now: Date;
  setRetryAfter(seconds: number): void;
}): Promise<void> {
  const { now } = options;
  const key = `auth:${options.step}:${clientKey(options.ip)}`;
  const window = minuteWindow(now);
  const counts = await incrementCounters({ db: options.db, keys: [key], windowStart: window });
  if ((counts.get(key) ?? 0) <= options.limitPerMinute) return;
  options.setRetryAfter(Math.max(1, Math.ceil((window.getTime() + 60_000 - now.getTime()) / 1000)));
  throw new AppError(
    AppErrorCode.RATE_LIMITED,
    'too many sign-in attempts from this address: wait a minute',
    {
      details: { reason: 'SIGN_IN_RATE_LIMIT', limitPerMinute: options.limitPerMinute },
    },
  );
}
