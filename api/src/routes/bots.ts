import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { createBotBodySchema, updateBotBodySchema } from '../services/bots/bot-settings.js';
import { botViewSchema } from '../services/bots/bot-view.js';
import { createBot } from '../services/bots/create-bot.js';
import { deleteBot } from '../services/bots/delete-bot.js';
import { getBot } from '../services/bots/get-bot.js';
import { botAnswererSchema, getBotAnswerer } from '../services/bots/get-bot-answerer.js';
import { listBots } from '../services/bots/list-bots.js';
import { setBotPublished } from '../services/bots/publish-bot.js';
import { updateBot } from '../services/bots/update-bot.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

const botParams = z.object({ orgId: orgIdSchema, botId: uuidSchema });

/** Bots of an org: CRUD, settings, publish/unpublish (issue 4, part 3). */
export function botRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { db } = deps;
  const platform = deps.botPlatform;
  return [
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots',
      tag: 'bots',
      summary: 'Create a bot (owner, admin, member), within the plan’s bot limit read from the chain',
      auth: 'sessionOrApiKey',
      params: z.object({ orgId: orgIdSchema }),
      body: createBotBodySchema,
      response: botViewSchema,
      successStatus: 201,
      handler: async ({ params, body, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return createBot({
          db,
          platform,
          orgId: params.orgId,
          principal,
          settings: body,
          requestId,
          now,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots',
      tag: 'bots',
      summary: 'Bots of this org',
      auth: 'sessionOrApiKey',
      params: z.object({ orgId: orgIdSchema }),
      response: z.object({ bots: z.array(botViewSchema) }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return { bots: await listBots({ db, orgId: params.orgId, principal }) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId',
      tag: 'bots',
      summary: 'One bot with all its settings (the webhook secret is write-only)',
      auth: 'sessionOrApiKey',
      params: botParams,
      response: botViewSchema,
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return getBot({ db, ...params, principal });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/answerer',
      tag: 'bots',
      summary:
        'Who answers this bot’s visitors: a language model, the offline answerer quoting its knowledge (no model configured on this platform), or nothing (chat refused)',
      auth: 'sessionOrApiKey',
      params: botParams,
      response: botAnswererSchema,
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return getBotAnswerer({ db, platform, ...params, principal });
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/orgs/:orgId/bots/:botId',
      tag: 'bots',
      summary: 'Change settings; a new embedder re-embeds all the bot’s knowledge',
      auth: 'sessionOrApiKey',
      params: botParams,
      body: updateBotBodySchema,
      response: botViewSchema,
      handler: async ({ params, body, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const updated = await updateBot({
          db,
          platform,
          ...params,
          principal,
          settings: body,
          requestId,
          now,
        });
        platform.chatBots.forget(params.botId);
        return updated;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/orgs/:orgId/bots/:botId',
      tag: 'bots',
      summary: 'Delete a bot with its knowledge, conversations and leads',
      auth: 'sessionOrApiKey',
      params: botParams,
      handler: async ({ params, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        await deleteBot({ db, ...params, principal, requestId });
        platform.chatBots.forget(params.botId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots/:botId/publish',
      tag: 'bots',
      summary: 'Publish: visitors may chat with the bot from its allowed origins',
      auth: 'sessionOrApiKey',
      params: botParams,
      response: botViewSchema,
      handler: async ({ params, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const bot = await setBotPublished({ db, ...params, principal, published: true, requestId, now });
        platform.chatBots.forget(params.botId);
        return bot;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots/:botId/unpublish',
      tag: 'bots',
      summary: 'Unpublish: public chat and the widget stop at once',
      auth: 'sessionOrApiKey',
      params: botParams,
      response: botViewSchema,
      handler: async ({ params, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const bot = await setBotPublished({ db, ...params, principal, published: false, requestId, now });
        platform.chatBots.forget(params.botId);
        return bot;
      },
    }),
  ];
}
