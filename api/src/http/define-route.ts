import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Principal } from '../services/access/principal.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: anyone, a signed-in wallet (session token), or also an org API key.
 * Authorization inside an org (roles, scopes) is the service's job, through `orgWhere`.
 */
export type RouteAuth = 'none' | 'session' | 'sessionOrApiKey';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Present when the route's auth is not 'none'. */
  principal: Principal;
  requestId: string;
  log: Logger;
  now: Date;
  req: Request;
  res: Response;
  /**
   * Milliseconds per phase of this request, which a handler may add to (`embed: 3.2`); logged at
   * debug level with the route's own phases (auth, handler, json) as `route timings`.
   */
  timings: Record<string, number>;
}

/**
 * One route: its HTTP shape as zod schemas (validated on every request and published in
 * /openapi.json) and a handler that calls one service. Route modules export arrays of these;
 * app.ts mounts them and the OpenAPI document and the tenant-isolation tests read the same
 * array, so a new route is documented and tested without extra wiring.
 */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod;
  /** Express path, e.g. `/v1/orgs/:orgId/api-keys/:keyId`. */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Success response shape, for the OpenAPI document. */
  response?: z.ZodType;
  successStatus?: number;
  /** Writes an audit entry / changes state: used by the malformed-input tests. */
  handler(context: RouteContext<P, Q, B>): Promise<unknown>;
}

/** Identity function that lets TypeScript infer P, Q and B from the schemas. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  return spec;
}

/** Records into `timings` the milliseconds since the previous call (or since its creation) under each name. */
export function phaseTimer(timings: Record<string, number>): (name: string) => void {
  let last = performance.now();
  return (name) => {
    const now = performance.now();
    timings[name] = now - last;
    last = now;
  };
}

/**
 * Erases the type parameters so specs of different shapes fit in one array. `any`, not
 * `unknown`: handler parameters are contravariant, so only `any` accepts every spec.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnyRouteSpec = RouteSpec<any, any, any>;
