import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { AppError, AppErrorCode } from '../http/app-error.js';
import { uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { publicBotView, publicBotViewSchema } from '../services/bots/bot-view.js';
import { getPublishedBot } from '../services/bots/get-public-bot.js';
import { admitChat } from '../services/chat/admit-chat.js';
import { answerChat } from '../services/chat/answer-chat.js';
import { SseStream } from '../services/chat/sse-stream.js';
import { createLead } from '../services/leads/create-lead.js';
import {
  createNonce,
  embedHeaders,
  renderEmbedPage,
  widgetLoaderHeaders,
  widgetLoaderPath,
} from '../widget/serve-widget.js';

const publicBotParams = z.object({ botId: uuidSchema });
const visitorIdSchema = z.string().regex(/^[\w-]{1,128}$/, 'a visitor id is 1–128 letters, digits, _ or -');

/**
 * The public surface of published bots: what the widget's loader and frame call (stable:
 * see DESIGN.md and dapp/widget/README.md). No session: access is by publication, origin
 * or API key, checked in the services.
 */
export function publicBotRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { db } = deps;
  const platform = deps.botPlatform;
  const ownOrigin = new URL(deps.config.publicUrl).origin;
  const dappOrigins = deps.config.corsOrigins;
  let loader: Promise<Buffer> | undefined;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/bots/:botId/public',
      tag: 'public',
      summary: 'What the widget shows of a published bot: name, welcome message, theme, lead form',
      auth: 'none',
      params: publicBotParams,
      response: publicBotViewSchema,
      handler: async ({ params }) => publicBotView(await getPublishedBot({ db, botId: params.botId })),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/bots/:botId/chat',
      tag: 'public',
      summary:
        'Chat (text/event-stream): `token` events, then `citations`, `usage`, `done` {conversationId}, or `error`. From the widget frame, an allowed Origin, or with an API key (scope chat)',
      auth: 'none',
      params: publicBotParams,
      body: z
        .object({
          message: z.string().trim().min(1).max(4000),
          conversationId: uuidSchema.optional(),
          visitorId: visitorIdSchema.optional(),
        })
        .strict(),
      handler: async ({ params, body, req, res, now, log }) => {
        // Refusals are ordinary JSON errors: nothing is streamed before admission passes.
        const arrived = performance.now();
        const turn = await admitChat({
          db,
          platform,
          botId: params.botId,
          input: body,
          request: {
            authorization: req.get('authorization'),
            origin: req.get('origin'),
            secFetchSite: req.get('sec-fetch-site'),
            ip: req.ip,
          },
          ownOrigin,
          now,
        }).catch((error: unknown) => {
          const retryAfter = (error as AppError).details as { retryAfterSeconds?: number } | undefined;
          if (error instanceof AppError && retryAfter?.retryAfterSeconds)
            res.setHeader('retry-after', String(retryAfter.retryAfterSeconds));
          throw error;
        });
        const visitorLeft = new AbortController();
        res.on('close', () => {
          if (!res.writableFinished) visitorLeft.abort();
        });
        const sse = new SseStream(res);
        sse.open();
        try {
          await answerChat({
            db,
            platform,
            turn,
            sink: sse,
            signal: visitorLeft.signal,
            log,
            admittedInMs: performance.now() - arrived,
          });
        } finally {
          sse.end();
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/bots/:botId/leads',
      tag: 'public',
      summary:
        'A visitor leaves an email with consent (the widget’s lead form); forwarded to the bot’s webhook',
      auth: 'none',
      params: publicBotParams,
      body: z
        .object({
          email: z.email().max(320),
          name: z.string().trim().max(200).optional(),
          consent: z.boolean(),
          consentVersion: z
            .string()
            .regex(/^[0-9a-f]{16}$/, 'the consentVersion of GET /v1/bots/:botId/public')
            .optional(),
          conversationId: uuidSchema.optional(),
          visitorId: visitorIdSchema.optional(),
        })
        .strict(),
      response: z.object({ id: z.string(), duplicate: z.boolean() }),
      successStatus: 201,
      handler: async ({ params, body, req, res, now }) =>
        createLead({
          db,
          platform,
          botId: params.botId,
          input: body,
          origin: req.get('origin'),
          ownOrigin,
          ip: req.ip,
          now,
        }).catch((error: unknown) => {
          const details = (error as AppError).details as { retryAfterSeconds?: number } | undefined;
          if (error instanceof AppError && details?.retryAfterSeconds)
            res.setHeader('retry-after', String(details.retryAfterSeconds));
          throw error;
        }),
    }),
    defineRoute({
      method: 'get',
      path: '/widget.js',
      tag: 'public',
      summary: 'The widget loader host pages include',
      auth: 'none',
      handler: async ({ res }) => {
        // A few kilobytes, read once: host pages fetch it on every view.
        loader ??= readFile(widgetLoaderPath).catch((error: unknown) => {
          loader = undefined;
          throw new AppError(AppErrorCode.NOT_FOUND, 'the widget is not built on this server', {
            cause: error,
          });
        });
        res
          .status(200)
          .set(widgetLoaderHeaders)
          .send(await loader);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/embed/:botId',
      tag: 'public',
      summary:
        'The conversation page the widget frames; CSP frame-ancestors lists the bot’s allowed origins and the dapp’s',
      auth: 'none',
      params: publicBotParams,
      handler: async ({ params, res }) => {
        const bot = await getPublishedBot({ db, botId: params.botId });
        const nonce = createNonce();
        let page: string;
        try {
          page = renderEmbedPage({ botId: bot.id, nonce });
        } catch (error) {
          throw new AppError(AppErrorCode.NOT_FOUND, 'the widget is not built on this server', {
            cause: error,
          });
        }
        // The dapp's own origins may frame every bot too: its live preview shows the widget.
        const ancestors = [...new Set([...bot.allowedOrigins, ...dappOrigins])];
        res.status(200).set(embedHeaders(ancestors, nonce)).send(page);
      },
    }),
  ];
}
