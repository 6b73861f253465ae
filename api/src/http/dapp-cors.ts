import type { RequestHandler } from 'express';

/**
 * CORS for the dapp: its origins (CORS_ORIGINS, plus PUBLIC_URL's) may call the sign-in and
 * authenticated routes (`/auth/*`, `/v1/*`) from a browser. Sessions are bearer tokens, never
 * cookies, so no credentials mode is involved and a foreign page gains nothing a server could
 * not do. On the widget's public routes (`/v1/bots/:botId/chat`: the dashboard's test chat)
 * this only lets the dapp read answers; who may chat is still decided per bot by
 * checkChatAccess (a bot's allowed origins get no CORS from here). Operations routes need none.
 */
export function dappCors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    if (!(req.path.startsWith('/v1/') || req.path.startsWith('/auth/'))) return next();
    const origin = req.get('origin');
    if (origin === undefined) return next();
    res.vary('Origin');
    if (!allowed.has(origin)) return next();
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'retry-after, x-request-id');
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      res.setHeader('access-control-allow-methods', 'GET, POST, PATCH, PUT, DELETE');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, x-request-id');
      res.setHeader('access-control-max-age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
