import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { AppError, AppErrorCode } from '../http/app-error.js';
import { orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { checkEmbedOrigin, listEmbedRefusals } from '../services/bots/embed-refusals.js';
import { toFrameAncestors } from '../widget/serve-widget.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

/**
 * Why a widget stays blank: the loader asks whether its page's origin may frame the bot before
 * it draws a frame the browser would refuse, and the owner reads the origins that were refused.
 */
export function embedDiagnosticRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { db } = deps;
  // The embed page's frame-ancestors: the bot's origins, the dapp's (live preview) and 'self'.
  const always = [...deps.config.corsOrigins, new URL(deps.config.publicUrl).origin];
  const frameAncestors = (allowedOrigins: string[]) => toFrameAncestors([...allowedOrigins, ...always]);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/bots/:botId/embed-check',
      tag: 'public',
      summary:
        'Whether the calling page’s Origin may embed this published bot (the widget loader asks before drawing its frame); a refused origin is listed to the bot’s members',
      auth: 'none',
      params: z.object({ botId: uuidSchema }),
      response: z.object({ allowed: z.boolean(), origin: z.string() }),
      handler: async ({ params, req, res, now }) => {
        // Any site may ask (the answer only concerns itself); the browser sets Origin, so a page
        // cannot ask for another site.
        res.setHeader('access-control-allow-origin', '*');
        // The loader asks on every page view: a visitor's browser asks again at most once a
        // minute, so a fixed origin shows the widget within a minute.
        res.setHeader('cache-control', 'private, max-age=60');
        res.setHeader('vary', 'origin');
        const origin = req.get('origin') ?? '';
        if (origin.length > 300 || toFrameAncestors([origin])[0] !== origin)
          throw new AppError(
            AppErrorCode.ORIGIN_MALFORMED,
            'this request needs the Origin of a http(s) web page',
          );
        const { allowed } = await checkEmbedOrigin({ db, botId: params.botId, origin, frameAncestors, now });
        return { allowed, origin };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/embed-refusals',
      tag: 'bots',
      summary:
        'Websites that tried to embed the bot but are not among its allowed origins, latest first (owner, admin, member, auditor)',
      auth: 'sessionOrApiKey',
      params: z.object({ orgId: orgIdSchema, botId: uuidSchema }),
      response: z.object({
        refusals: z.array(z.object({ origin: z.string(), count: z.number(), lastSeenAt: z.string() })),
      }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return { refusals: await listEmbedRefusals({ db, ...params, principal }) };
      },
    }),
  ];
}
