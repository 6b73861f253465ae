import express, { type Express } from 'express';
import type { AppDeps } from './app-deps.js';
import { dappCors } from './http/dapp-cors.js';
import type { AnyRouteSpec } from './http/define-route.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { createHttpMetrics, type HttpMetrics } from './http/metrics.js';
import { mountRoutes } from './http/mount-routes.js';
import { requestContext } from './http/request-context.js';
import { serveDapp } from './http/serve-dapp.js';
import { allRoutes } from './routes/index.js';

export interface BuiltApp {
  app: Express;
  /** The mounted routes, in order (tests enumerate them). */
  routes: AnyRouteSpec[];
  metrics: HttpMetrics;
}

/** Builds the Express app; main.ts listens on it, tests call it in-process. */
export function createApp(deps: AppDeps): BuiltApp {
  const metrics = createHttpMetrics({ collectProcessMetrics: deps.config.nodeEnv !== 'test' });
  const routes = allRoutes(deps, { metrics });
  const app = express();
  app.disable('x-powered-by');
  // req.ip reads X-Forwarded-For only from the listed proxies (none: the socket's peer), so a
  // client cannot pick its own address by sending the header: rate limits key on req.ip.
  app.set('trust proxy', deps.config.trustedProxies.length ? deps.config.trustedProxies : false);
  app.set('query parser', 'simple');
  app.use(requestContext(deps.logger));
  app.use(metrics.middleware);
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  app.use(dappCors(deps.config.corsOrigins));
  // A lead is an email and a name: its own small cap, parsed before the general one.
  app.use('/v1/bots/:botId/leads', express.json({ limit: deps.config.platform.leads.maxBodyBytes }));
  app.use(express.json({ limit: deps.config.maxBodyBytes }));
  app.use(mountRoutes({ routes, db: deps.db, clock: deps.clock }));
  if (deps.config.dappDistDir) app.use(serveDapp(deps.config.dappDistDir));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return { app, routes, metrics };
}
