import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';

/** Set on res.locals for every request. */
export interface RequestLocals {
  requestId: string;
  log: Logger;
  /** The route pattern (not the URL), used as the metrics label. */
  routePattern?: string;
}

const acceptableRequestId = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when it looks like one, so traces can
 * cross services), echoes it in the response, and a child logger that carries it.
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && acceptableRequestId.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.locals.requestId = requestId;
    const log = logger.child({ requestId });
    res.locals.log = log;
    const started = performance.now();
    res.once('finish', () => {
      // The path without its query string: queries may carry addresses or tokens.
      log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  };
}

export function localsOf(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}
