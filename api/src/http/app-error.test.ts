import { apiErrorCodes } from '@privexbot/schema/errors';
import { describe, expect, it } from 'vitest';
import { AppError, AppErrorCode, httpStatusOf, toErrorBody } from './app-error.js';

describe('AppError', () => {
  it('maps every code of the api’s list to a 4xx or 5xx status', () => {
    for (const code of apiErrorCodes) {
      const status = httpStatusOf(code);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });

  it('accepts only codes of schema’s union (a code outside it does not compile)', () => {
    // @ts-expect-error a lowercase code is not in the union: tsc fails if AppError ever accepts it
    const stray = new AppError('webhook_not_configured', 'x');
    expect(apiErrorCodes).not.toContain(stray.code);
    const known = new AppError(AppErrorCode.NOT_FOUND, 'no such bot', { details: { botId: 'b' } });
    expect(toErrorBody(known, 'req-1')).toEqual({
      error: { code: 'NOT_FOUND', message: 'no such bot', details: { botId: 'b' }, requestId: 'req-1' },
    });
  });

  it('takes a details.reason only in SCREAMING_SNAKE, like the codes (another spelling does not compile)', () => {
    const refused = new AppError(AppErrorCode.QUOTA_EXHAUSTED, 'no bots left', {
      details: { reason: 'BOT_LIMIT' },
    });
    expect(toErrorBody(refused, 'req-2').error.details).toEqual({ reason: 'BOT_LIMIT' });
    // @ts-expect-error a snake_case reason: tsc fails if AppError ever accepts it again
    new AppError(AppErrorCode.QUOTA_EXHAUSTED, 'no bots left', { details: { reason: 'bot_limit' } });
    // @ts-expect-error a kebab-case reason
    new AppError(AppErrorCode.RATE_LIMITED, 'slow down', { details: { reason: 'visitor-rate-limit' } });
  });
});
