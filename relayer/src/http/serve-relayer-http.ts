import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { toOrgBatch, toOrgReceipt, toPublicBatch, toPublicReceipt } from '../publish/public-batch.js';
import type { Relayer } from '../start-relayer.js';
import type { OrgReaderGate } from './authorize-org-reader.js';
import { HTTP_STATUS, HttpError } from './http-error.js';

const U64 = /^(0|[1-9]\d{0,19})$/;
const SIGNER = /^0[23][0-9a-f]{64}$/;
const MAX_LIST = 500;
const MAX_ORG_BATCHES = 100;
const MAX_BODY_BYTES = 16 * 1024;

export interface RelayerHttpServer {
  url: string;
  close(): Promise<void>;
}

export interface RelayerHttpOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Checks who may read an org's attestations; without it the private routes answer 404. */
  orgReaders?: OrgReaderGate;
}

/**
 * The relayer's HTTP surface (node:http: a handful of routes do not need a framework):
 *   GET  /healthz                               status per signer; 200 when ok or standby, 503 when degraded
 *   GET  /metrics                               Prometheus
 *   GET  /batches/:id                           public: one batch header and its attestation hashes
 *   GET  /batches?signer=&from=&after=&limit=   public: batch headers, ordered by chain batch id
 *   GET  /receipts/:id                          public: one receipt header and its attestation hashes (v2)
 *   GET  /receipts?signer=&from=&after=&limit=  public: receipt headers, ordered by chain receipt id
 *   GET  /orgs/:org/challenge?address=          the ADR-36 text that proves a role in the org
 *   POST /orgs/:org/attestations                private: the org's attestations with Merkle proofs, by
 *                                               batch and by receipt (with the org's receipt lines);
 *                                               body { auth: { permit } | { adr36 }, after?, receipts_after?, limit? }
 * Errors: `{ error: { code, message, details?, requestId } }` with SCREAMING_SNAKE codes.
 */
export async function serveRelayerHttp(
  relayer: Relayer,
  options: RelayerHttpOptions,
): Promise<RelayerHttpServer> {
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relayer');
    const orgRoute = /^\/orgs\/([^/]+)\/(challenge|attestations)$/.exec(url.pathname);
    if (orgRoute) return routeOrg(req, res, url, orgRoute[1] as string, orgRoute[2] as string);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError('METHOD_NOT_ALLOWED', `${req.method} is not allowed`);
    if (url.pathname === '/healthz') {
      const health = await relayer.health();
      return sendJson(res, health.status === 'degraded' ? 503 : 200, health, { public: true });
    }
    if (url.pathname === '/metrics') {
      const text = await relayer.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': relayer.metrics.registry.contentType });
      res.end(text);
      return;
    }
    const list = /^\/(batches|receipts)$/.exec(url.pathname);
    if (list) {
      const kind = list[1] as 'batches' | 'receipts';
      const signer = url.searchParams.get('signer') ?? undefined;
      const from = url.searchParams.get('from') ?? '0';
      const after = url.searchParams.get('after');
      const limitText = url.searchParams.get('limit') ?? '100';
      if (signer !== undefined && !SIGNER.test(signer)) {
        throw new HttpError('INVALID_REQUEST', 'signer must be a compressed public key in lowercase hex', {
          field: 'signer',
        });
      }
      if (!U64.test(from))
        throw new HttpError('INVALID_REQUEST', 'from must be a decimal sequence number', { field: 'from' });
      if (after !== null && !U64.test(after))
        throw new HttpError(
          'INVALID_REQUEST',
          `after must be a decimal ${kind === 'batches' ? 'batch' : 'receipt'} id`,
          {
            field: 'after',
          },
        );
      const query = {
        ...(signer ? { signer } : {}),
        fromSeq: BigInt(from),
        ...(after !== null ? { afterId: BigInt(after) } : {}),
        limit: parseLimit(limitText, MAX_LIST),
      };
      return sendJson(
        res,
        200,
        kind === 'batches'
          ? { batches: await relayer.store.listBatches(query) }
          : { receipts: await relayer.store.listReceipts(query) },
        { public: true },
      );
    }
    const one = /^\/(batches|receipts)\/([^/]+)$/.exec(url.pathname);
    if (one) {
      const kind = one[1] === 'batches' ? 'batch' : 'receipt';
      const id = one[2] as string;
      if (!U64.test(id))
        throw new HttpError('INVALID_REQUEST', `the ${kind} id must be a decimal integer`, { field: 'id' });
      if (kind === 'batch') {
        const batch = await relayer.store.publishedBatch(BigInt(id));
        if (!batch) throw new HttpError('NOT_FOUND', `batch ${id} is not published by this relayer`);
        return sendJson(res, 200, toPublicBatch(batch), { public: true });
      }
      const receipt = await relayer.store.publishedReceipt(BigInt(id));
      if (!receipt) throw new HttpError('NOT_FOUND', `receipt ${id} is not published by this relayer`);
      return sendJson(res, 200, toPublicReceipt(receipt), { public: true });
    }
    throw new HttpError('NOT_FOUND', `no route ${url.pathname}`);
  }

  async function routeOrg(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    org: string,
    what: string,
  ): Promise<void> {
    const gate = options.orgReaders;
    if (!gate) throw new HttpError('NOT_FOUND', 'this relayer does not serve org attestations');
    if (!U64.test(org))
      throw new HttpError('INVALID_REQUEST', 'the org id must be a decimal integer', { field: 'org' });
    if (what === 'challenge') {
      if (req.method !== 'GET') throw new HttpError('METHOD_NOT_ALLOWED', `${req.method} is not allowed`);
      const address = url.searchParams.get('address');
      if (!address) throw new HttpError('INVALID_REQUEST', 'address is required', { field: 'address' });
      return sendJson(res, 200, gate.challenge(org, address));
    }
    if (req.method !== 'POST')
      throw new HttpError('METHOD_NOT_ALLOWED', 'POST the proof of a role in the org');
    const body = await readJsonBody(req);
    const after = body.after ?? null;
    if (after !== null && (typeof after !== 'string' || !U64.test(after)))
      throw new HttpError('INVALID_REQUEST', 'after must be a decimal batch id string', { field: 'after' });
    const receiptsAfter = body.receipts_after ?? null;
    if (receiptsAfter !== null && (typeof receiptsAfter !== 'string' || !U64.test(receiptsAfter)))
      throw new HttpError('INVALID_REQUEST', 'receipts_after must be a decimal receipt id string', {
        field: 'receipts_after',
      });
    const limit =
      body.limit === undefined ? MAX_ORG_BATCHES : parseLimit(String(body.limit), MAX_ORG_BATCHES);
    await gate.authorize(org, body.auth);
    const ids = await relayer.store.batchIdsOfOrg(org, {
      ...(after !== null ? { afterId: BigInt(after) } : {}),
      limit,
    });
    const batches = [];
    for (const id of ids) {
      const published = await relayer.store.publishedBatch(id);
      if (published) batches.push(toOrgBatch(published, org));
    }
    const receiptIds = await relayer.store.receiptIdsOfOrg(org, {
      ...(receiptsAfter !== null ? { afterId: BigInt(receiptsAfter) } : {}),
      limit,
    });
    const receipts = [];
    for (const id of receiptIds) {
      const published = await relayer.store.publishedReceipt(id);
      if (published) receipts.push(toOrgReceipt(published, org));
    }
    return sendJson(res, 200, {
      org,
      batches,
      next_after: ids.length === limit ? (ids.at(-1) as bigint).toString() : null,
      receipts,
      next_receipts_after: receiptIds.length === limit ? (receiptIds.at(-1) as bigint).toString() : null,
    });
  }

  const server: Server = createServer((req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    route(req, res).catch((error: unknown) => {
      const httpError =
        error instanceof HttpError ? error : new HttpError('INTERNAL_ERROR', 'internal error');
      if (!(error instanceof HttpError)) options.logger.error({ requestId, err: error }, 'unexpected error');
      // A public route's errors stay readable cross-origin (a 404 is an audit finding).
      const open = !(req.url ?? '').startsWith('/orgs/');
      sendJson(
        res,
        HTTP_STATUS[httpError.code],
        {
          error: {
            code: httpError.code,
            message: httpError.message,
            ...(httpError.details ? { details: httpError.details } : {}),
            requestId,
          },
        },
        { public: open },
      );
    });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function parseLimit(text: string, max: number): number {
  if (!/^[1-9]\d{0,3}$/.test(text) || Number(text) > max) {
    throw new HttpError('INVALID_REQUEST', `limit must be an integer in 1..${max}`, { field: 'limit' });
  }
  return Number(text);
}

async function readJsonBody(
  req: IncomingMessage,
): Promise<{ auth?: unknown; after?: unknown; receipts_after?: unknown; limit?: unknown }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError('PAYLOAD_TOO_LARGE', `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError('INVALID_REQUEST', 'the body must be JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError('INVALID_REQUEST', 'the body must be a JSON object');
  return body as { auth?: unknown; after?: unknown; receipts_after?: unknown; limit?: unknown };
}

function sendJson(res: ServerResponse, status: number, body: unknown, { public: open = false } = {}): void {
  // Public routes are open to any origin (headers and hashes reveal no org). An org's
  // attestations are not: browsers reach them through the dapp's same-origin proxy.
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(open ? { 'access-control-allow-origin': '*' } : { 'cache-control': 'no-store' }),
  });
  res.end(JSON.stringify(body));
}
