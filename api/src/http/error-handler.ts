import type { NextFunction, Request, Response } from 'express';
import { AppError, AppErrorCode, toErrorBody } from './app-error.js';
import { localsOf } from './request-context.js';

/** body-parser's error shapes, mapped to our codes. */
function fromBodyParserError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch ((error as { type: unknown }).type) {
    case 'entity.parse.failed':
      return new AppError(AppErrorCode.MALFORMED_JSON, 'the request body is not valid JSON');
    case 'entity.too.large':
      return new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, 'the request body is too large');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError(AppErrorCode.UNSUPPORTED_MEDIA_TYPE, 'unsupported body encoding or charset');
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError(AppErrorCode.VALIDATION_FAILED, 'the request body was incomplete');
    default:
      return undefined;
  }
}

/** The one place where errors become responses: `{ error: { code, message, details?, requestId } }`. */
export function errorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const { requestId, log } = localsOf(res);
  const appError =
    error instanceof AppError
      ? error
      : (fromBodyParserError(error) ??
        new AppError(AppErrorCode.INTERNAL_ERROR, 'internal error', { cause: error }));
  if (appError.code === AppErrorCode.INTERNAL_ERROR || appError.status >= 500) {
    log.error({ err: error }, 'request failed');
  } else {
    log.info({ code: appError.code }, appError.message);
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(appError.status).json(toErrorBody(appError, requestId));
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError(AppErrorCode.ROUTE_NOT_FOUND, `no route for ${req.method} ${req.path}`));
}
