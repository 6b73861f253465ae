import type { AppDeps } from '../app-deps.js';
import type { AnyRouteSpec } from '../http/define-route.js';
import type { HttpMetrics } from '../http/metrics.js';
import { analyticsRoutes } from './analytics.js';
import { apiKeyRoutes } from './api-keys.js';
import { authRoutes } from './auth.js';
import { botRoutes } from './bots.js';
import { conversationRoutes } from './conversations.js';
import { embedDiagnosticRoutes } from './embed-diagnostics.js';
import { invitationRoutes } from './invitations.js';
import { knowledgeRoutes } from './knowledge.js';
import { leadRoutes } from './leads.js';
import { operationsRoutes } from './operations.js';
import { orgUsageRoutes } from './org-usage.js';
import { orgRoutes } from './orgs.js';
import { platformRoutes } from './platform.js';
import { publicBotRoutes } from './public-bots.js';
import { quotaNoticeRoutes } from './quota-notices.js';
import { sourceReindexRoutes } from './source-reindex.js';
import { webhookRoutes } from './webhooks.js';
import { websiteRoutes } from './websites.js';

/**
 * Every route of the api. To add an area: write routes/<area>.ts returning defineRoute specs
 * that call services/<area>/<verb>-<noun>.ts, and add it here; validation, the OpenAPI
 * document and the tenant-isolation and malformed-input tests pick it up from this list.
 *
 * Reserved for the widget (stable paths, see DESIGN.md):
 *   GET  /v1/bots/:botId/public   name, welcome message, theme, position, lead capture
 *   POST /v1/bots/:botId/chat     SSE: token, citations, usage, done, error events
 *   POST /v1/bots/:botId/leads
 */
export function allRoutes(deps: AppDeps, extras: { metrics: HttpMetrics }): AnyRouteSpec[] {
  const routes: AnyRouteSpec[] = [];
  routes.push(
    ...operationsRoutes(deps, { metrics: extras.metrics, allRoutes: () => routes }),
    ...authRoutes(deps),
    ...orgRoutes(deps),
    ...invitationRoutes(deps),
    ...apiKeyRoutes(deps),
    ...botRoutes(deps),
    ...knowledgeRoutes(deps),
    ...websiteRoutes(deps),
    ...sourceReindexRoutes(deps),
    ...publicBotRoutes(deps),
    ...conversationRoutes(deps),
    ...leadRoutes(deps),
    ...embedDiagnosticRoutes(deps),
    ...webhookRoutes(deps),
    ...analyticsRoutes(deps),
    ...orgUsageRoutes(deps),
    ...quotaNoticeRoutes(deps),
    ...platformRoutes(deps),
  );
  return routes;
}
