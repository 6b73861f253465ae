import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute, phaseTimer } from '../http/define-route.js';
import { findAccessibleBot } from '../services/bots/find-accessible-bot.js';
import { createSource } from '../services/knowledge/create-source.js';
import { deleteSource } from '../services/knowledge/delete-source.js';
import { getSource, listSources } from '../services/knowledge/list-sources.js';
import { reembedProgress } from '../services/knowledge/run-reembed-step.js';
import { setSourceCitable } from '../services/knowledge/set-source-citable.js';
import { createSourceBodySchema } from '../services/knowledge/source-input.js';
import { sourceViewSchema } from '../services/knowledge/source-view.js';
import { embedQuestion, searchPassages } from '../services/retrieval/retrieve-passages.js';
import { ensureBotAccess } from './ensure-bot-access.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

const botParams = z.object({ orgId: orgIdSchema, botId: uuidSchema });

/** Knowledge sources, ingestion progress and the "test retrieval" view (issue 4, parts 4–5). */
export function knowledgeRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { db } = deps;
  const platform = deps.botPlatform;
  /** Each bot's embedder as last seen by the retrieval route: which embedder to start early. */
  const questionEmbedders = new LRUCache<string, string>({ max: 10_000 });
  return [
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots/:botId/sources',
      tag: 'knowledge',
      summary:
        'Add knowledge: pasted text, a file (base64: txt, md, html, pdf, docx, csv, json) or a URL. Identical content is not added twice (200 with duplicate: true); a source of the same name is replaced',
      auth: 'sessionOrApiKey',
      params: botParams,
      body: createSourceBodySchema,
      response: z.object({ source: sourceViewSchema, duplicate: z.boolean() }),
      successStatus: 201,
      handler: async ({ params, body, principal, requestId, now, log, res }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const result = await createSource({
          db,
          platform,
          ...params,
          principal,
          input: body,
          requestId,
          now,
        });
        if (result.duplicate) res.status(200).json(result);
        return result;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/sources',
      tag: 'knowledge',
      summary: 'Sources of a bot with their ingestion progress (chunks done of total)',
      auth: 'sessionOrApiKey',
      params: botParams,
      response: z.object({ sources: z.array(sourceViewSchema) }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return { sources: await listSources({ db, ...params, principal }) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/sources/:sourceId',
      tag: 'knowledge',
      summary: 'One source and its ingestion progress',
      auth: 'sessionOrApiKey',
      params: botParams.extend({ sourceId: uuidSchema }),
      response: sourceViewSchema,
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return getSource({ db, ...params, principal });
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/orgs/:orgId/bots/:botId/sources/:sourceId',
      tag: 'knowledge',
      summary:
        'Mark a source citable (quoted and linked in answers) or learn-only (shapes answers, never cited); takes effect at the next chat turn',
      auth: 'sessionOrApiKey',
      params: botParams.extend({ sourceId: uuidSchema }),
      body: z.object({ citable: z.boolean() }).strict(),
      response: sourceViewSchema,
      handler: async ({ params, body, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return setSourceCitable({ db, ...params, citable: body.citable, principal, requestId, now });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/orgs/:orgId/bots/:botId/sources/:sourceId',
      tag: 'knowledge',
      summary: 'Remove a source and its chunks',
      auth: 'sessionOrApiKey',
      params: botParams.extend({ sourceId: uuidSchema }),
      handler: async ({ params, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        await deleteSource({ db, ...params, principal, requestId });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/reembedding',
      tag: 'knowledge',
      summary:
        'Progress of the background re-embedding after an embedder change (null when none); retrieval uses the old vectors until it completes',
      auth: 'sessionOrApiKey',
      params: botParams,
      response: z.object({
        embedder: z.string(),
        reembedding: z
          .object({ embedder: z.string(), chunksDone: z.number(), chunksTotal: z.number() })
          .nullable(),
      }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const bot = await findAccessibleBot({ db, ...params, principal, permission: 'bots:read' });
        return { embedder: bot.embedder, reembedding: await reembedProgress(db, bot.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots/:botId/retrieval',
      tag: 'knowledge',
      summary:
        'Test retrieval: the passages chat would use for a question (same code path), with scores; a learn-only passage comes without its text',
      auth: 'sessionOrApiKey',
      params: botParams,
      body: z
        .object({
          query: z.string().trim().min(1).max(2000),
          limit: z.number().int().min(1).max(20).default(5),
        })
        .strict(),
      response: z.object({
        embedder: z.string(),
        passages: z.array(
          z.object({
            chunkId: z.string(),
            sourceId: z.string(),
            sourceName: z.string(),
            sourceUrl: z.string().nullable(),
            /** null for a learn-only passage: its wording never leaves the api (source id and score only). */
            text: z.string().nullable(),
            citable: z.boolean(),
            score: z.number(),
            vectorRank: z.number().nullable(),
            textRank: z.number().nullable(),
          }),
        ),
      }),
      handler: async ({ params, body, principal, now, log, timings }) => {
        const phase = phaseTimer(timings);
        // The question embeds on a worker thread while the access check runs, when the bot
        // was last seen on the local model (no network, nothing spent); the vector is used
        // only once the check passed and the bot still has that embedder.
        const guess = questionEmbedders.get(params.botId);
        const early =
          guess === platform.localEmbedderId
            ? embedQuestion(platform.embedderFor(guess), body.query)
            : undefined;
        early?.catch(() => {}); // awaited below, or dropped when access is refused
        const bot = await ensureBotAccess(deps, { ...params, principal, permission: 'bots:read', now, log });
        phase('access');
        questionEmbedders.set(bot.id, bot.embedder);
        const vector =
          early && bot.embedder === guess
            ? await early
            : await embedQuestion(platform.embedderFor(bot.embedder), body.query);
        phase('embed');
        const passages = await searchPassages({
          db,
          botId: bot.id,
          slot: bot.vectorSlot,
          vector,
          query: body.query,
          limit: body.limit,
        });
        phase('sql');
        // Learn-only wording reaches no caller, whatever its role or key: only the model sees it.
        const result = {
          embedder: bot.embedder,
          passages: passages.map((p) => (p.citable ? p : { ...p, text: null })),
        };
        phase('shape');
        return result;
      },
    }),
  ];
}
