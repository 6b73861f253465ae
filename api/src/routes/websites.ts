import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { cancelCrawl, requestCrawl, setRecrawlInterval } from '../services/knowledge/crawl/control-crawl.js';
import { createWebsite } from '../services/knowledge/crawl/create-website.js';
import {
  createWebsiteBodySchema,
  updateWebsiteBodySchema,
} from '../services/knowledge/crawl/website-input.js';
import { findWebsite, websiteView, websiteViewSchema } from '../services/knowledge/crawl/website-view.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

const botParams = z.object({ orgId: orgIdSchema, botId: uuidSchema });
const websiteParams = botParams.extend({ websiteId: uuidSchema });

/**
 * Whole websites as knowledge: a `website` source is crawled in the background (the crawl
 * queue); these routes add one, show its crawl's progress with reasons, re-crawl, cancel and
 * set its re-crawl schedule. The site is listed with the other sources and removed like them
 * (`DELETE …/sources/:sourceId`).
 */
export function websiteRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { db } = deps;
  const platform = deps.botPlatform;
  return [
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots/:botId/websites',
      tag: 'knowledge',
      summary:
        'Add a website: crawled from its start URL or sitemap (same origin, robots.txt honoured, within path patterns and limits) and kept up to date on a schedule. The same start URL twice is one website (200, duplicate: true)',
      auth: 'sessionOrApiKey',
      params: botParams,
      body: createWebsiteBodySchema,
      response: z.object({ website: websiteViewSchema, duplicate: z.boolean() }),
      successStatus: 201,
      handler: async ({ params, body, principal, requestId, now, log, res }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const result = await createWebsite({ db, ...params, principal, input: body, requestId, now });
        platform.crawls.kick();
        if (result.duplicate) res.status(200).json(result);
        return result;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/websites/:websiteId',
      tag: 'knowledge',
      summary:
        'A website and its latest crawl: pages found, fetched, unchanged, skipped and failed, with the reason of each skipped or failed URL',
      auth: 'sessionOrApiKey',
      params: websiteParams,
      response: websiteViewSchema,
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return websiteView(db, await findWebsite({ db, ...params, principal, permission: 'bots:read' }));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/orgs/:orgId/bots/:botId/websites/:websiteId',
      tag: 'knowledge',
      summary: 'Set the re-crawl interval in minutes (null: re-crawl only when asked)',
      auth: 'sessionOrApiKey',
      params: websiteParams,
      body: updateWebsiteBodySchema,
      response: websiteViewSchema,
      handler: async ({ params, body, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return setRecrawlInterval({
          db,
          ...params,
          principal,
          now,
          recrawlIntervalMinutes: body.recrawlIntervalMinutes,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots/:botId/websites/:websiteId/crawl',
      tag: 'knowledge',
      summary:
        'Re-crawl now (incremental: unchanged pages are not downloaded or re-embedded, removed pages are removed); a crawl already queued or running stands',
      auth: 'sessionOrApiKey',
      params: websiteParams,
      body: z.object({}).strict(),
      response: z.object({ website: websiteViewSchema, queued: z.boolean() }),
      successStatus: 202,
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const result = await requestCrawl({ db, ...params, principal, now });
        platform.crawls.kick();
        return result;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots/:botId/websites/:websiteId/cancel',
      tag: 'knowledge',
      summary:
        'Cancel the queued or running crawl (before its next request); pages stored so far stay, nothing is removed',
      auth: 'sessionOrApiKey',
      params: websiteParams,
      body: z.object({}).strict(),
      response: websiteViewSchema,
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return cancelCrawl({ db, ...params, principal, now });
      },
    }),
  ];
}
