import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { Database } from '../db/prisma.js';
import type { Principal } from '../services/access/principal.js';
import { authenticateRequest } from '../services/auth/authenticate-request.js';
import { AppError, AppErrorCode } from './app-error.js';
import type { AnyRouteSpec } from './define-route.js';
import { localsOf } from './request-context.js';

/**
 * Mounts route specs on a router: authenticate, validate path/query/body with the route's
 * schemas, call the handler, send its result as JSON (204 when it returns nothing).
 */
export function mountRoutes(options: { routes: AnyRouteSpec[]; db: Database; clock: () => Date }): Router {
  const router = Router();
  for (const spec of options.routes) {
    router[spec.method](spec.path, async (req: Request, res: Response) => {
      const locals = localsOf(res);
      locals.routePattern = spec.path;
      const now = options.clock();
      const timings: Record<string, number> = {};
      const started = performance.now();
      const principal =
        spec.auth === 'none'
          ? undefined
          : await authenticateRequest({
              db: options.db,
              authorization: req.get('authorization'),
              allowApiKey: spec.auth === 'sessionOrApiKey',
              now,
            });
      const authenticated = performance.now();
      if (spec.auth !== 'none') timings.auth = authenticated - started;
      const params = validate(spec.params, req.params, 'path');
      const query = validate(spec.query, req.query, 'query');
      const body = validate(spec.body, req.body, 'body');
      const result = await spec.handler({
        params,
        query,
        body,
        principal: principal as Principal,
        requestId: locals.requestId,
        log: locals.log,
        now,
        req,
        res,
        timings,
      });
      if (res.headersSent) return; // the handler answered itself (streams)
      // A handler may choose its status (readiness answers 503 with a body); otherwise the spec's.
      const status = res.statusCode !== 200 ? res.statusCode : (spec.successStatus ?? 200);
      const handled = performance.now();
      if (result === undefined) res.status(status === 200 ? 204 : status).end();
      else res.status(status).json(result);
      if (locals.log.isLevelEnabled('debug')) {
        timings.handler = handled - authenticated;
        timings.json = performance.now() - handled;
        locals.log.debug({ route: spec.path, ms: roundedTimings(timings) }, 'route timings');
      }
    });
  }
  return router;
}

function roundedTimings(timings: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(timings).map(([phase, ms]) => [phase, Math.round(ms * 100) / 100]),
  );
}

function validate(schema: z.ZodType | undefined, value: unknown, where: 'path' | 'query' | 'body'): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  throw new AppError(AppErrorCode.VALIDATION_FAILED, `invalid request ${where}`, {
    details: {
      issues: parsed.error.issues.map((issue) => ({
        location: where,
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    },
  });
}
