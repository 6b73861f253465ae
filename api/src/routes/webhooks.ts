import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { listWebhookDeliveries } from '../services/webhooks/list-webhook-deliveries.js';
import { sendTestWebhookEvent } from '../services/webhooks/send-test-webhook-event.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

/** The webhook delivery log of a bot; the webhook itself is a bot setting (PATCH the bot). */
export function webhookRoutes(deps: AppDeps): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/webhook-deliveries',
      tag: 'webhooks',
      summary: 'Webhook deliveries: status, attempts, last HTTP status and error, next retry',
      auth: 'sessionOrApiKey',
      params: z.object({ orgId: orgIdSchema, botId: uuidSchema }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      handler: async ({ params, query, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return {
          deliveries: await listWebhookDeliveries({ db: deps.db, ...params, principal, limit: query.limit }),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots/:botId/webhook-test',
      tag: 'webhooks',
      summary: 'Queue a `webhook.test` delivery to the bot’s webhook (409 CONFLICT when it has none)',
      auth: 'sessionOrApiKey',
      successStatus: 202,
      params: z.object({ orgId: orgIdSchema, botId: uuidSchema }),
      body: z.object({}).strict(),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const queued = await sendTestWebhookEvent({ db: deps.db, ...params, principal, now });
        deps.botPlatform.webhooks.kick();
        return queued;
      },
    }),
  ];
}
