import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * One root logger per process; requests get `logger.child({ requestId })`. Credentials are
 * redacted wherever they might appear, so a careless `log.info({ req })` cannot leak them.
 */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? 'api',
    level: options.level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        '*.accessToken',
        '*.refreshToken',
        '*.apiKey',
        '*.signature',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  });
}
