import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { localsOf } from './request-context.js';

export interface HttpMetrics {
  registry: Registry;
  middleware(req: Request, res: Response, next: NextFunction): void;
}

/** A registry per app (not prom-client's global one), so tests can build several apps. */
export function createHttpMetrics(options: { collectProcessMetrics: boolean }): HttpMetrics {
  const registry = new Registry();
  if (options.collectProcessMetrics) collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    middleware(req, res, next) {
      const stop = duration.startTimer();
      res.once('finish', () => {
        // Unmatched URLs share one label so scanners cannot blow up the label cardinality.
        stop({
          method: req.method,
          route: localsOf(res).routePattern ?? 'unmatched',
          status: String(res.statusCode),
        });
      });
      next();
    },
  };
}
