import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { AppError, AppErrorCode } from '../http/app-error.js';
import { buildOpenApiDocument } from '../http/build-openapi-document.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import type { HttpMetrics } from '../http/metrics.js';

/** Which dependency is not ready and how (`timeout` or `failed`); the cause is logged, never shown. */
const checkResult = z.object({
  ok: z.boolean(),
  error: z.enum(['timeout', 'failed']).optional(),
  ms: z.number(),
});

/** Health, readiness, metrics and the OpenAPI document: for operators and tooling. */
export function operationsRoutes(
  deps: AppDeps,
  extras: { metrics: HttpMetrics; allRoutes: () => AnyRouteSpec[] },
) {
  let openApiDocument: unknown;
  const routes: AnyRouteSpec[] = [
    defineRoute({
      method: 'get',
      path: '/healthz',
      tag: 'operations',
      summary: 'The process is up',
      auth: 'none',
      response: z.object({ status: z.literal('ok') }),
      handler: async () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      tag: 'operations',
      summary: 'Database, chain and gateway are reachable (503 otherwise)',
      auth: 'none',
      response: z.object({
        status: z.enum(['ready', 'not_ready']),
        checks: z.record(z.string(), checkResult),
      }),
      handler: async ({ res }) => {
        const checks = [
          { name: 'database', check: async () => void (await deps.db.$queryRaw`SELECT 1`) },
          ...deps.readinessChecks,
        ];
        const results = await Promise.all(
          checks.map(async ({ name, check }) => {
            const started = performance.now();
            try {
              await withTimeout(check(), 3000);
              return [name, { ok: true, ms: Math.round(performance.now() - started) }] as const;
            } catch (error) {
              deps.logger.warn({ check: name, err: error }, 'readiness check failed');
              return [
                name,
                {
                  ok: false,
                  error: error instanceof ReadinessTimeout ? ('timeout' as const) : ('failed' as const),
                  ms: Math.round(performance.now() - started),
                },
              ] as const;
            }
          }),
        );
        const ready = results.every(([, result]) => result.ok);
        res.status(ready ? 200 : 503);
        return { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      tag: 'operations',
      summary: 'Prometheus metrics (Authorization: Bearer METRICS_TOKEN; not served without one)',
      auth: 'none',
      handler: async ({ req, res }) => {
        const token = deps.config.metricsToken;
        if (!token) throw new AppError(AppErrorCode.ROUTE_NOT_FOUND, 'no such route');
        if (!sameSecret(req.get('authorization') ?? '', `Bearer ${token}`)) {
          res.setHeader('www-authenticate', 'Bearer realm="metrics"');
          throw new AppError(AppErrorCode.UNAUTHENTICATED, '/metrics needs the operator token');
        }
        res.setHeader('content-type', extras.metrics.registry.contentType);
        res.send(await extras.metrics.registry.metrics());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      tag: 'operations',
      summary: 'This document',
      auth: 'none',
      handler: async () => {
        openApiDocument ??= buildOpenApiDocument({
          routes: extras.allRoutes(),
          serverUrl: deps.config.publicUrl,
          version: '0.1.0',
        });
        return openApiDocument;
      },
    }),
  ];
  return routes;
}

class ReadinessTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new ReadinessTimeout(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

/** Constant-time comparison of two strings of any length (hashed first to equal lengths). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
