import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Relayer } from '../start-relayer.js';

/** Stable codes of the relayer's HTTP errors. */
type HttpErrorCode = 'not_found' | 'method_not_allowed' | 'invalid_request' | 'internal_error';
const STATUS: Record<HttpErrorCode, number> = {
  not_found: 404,
  method_not_allowed: 405,
  invalid_request: 400,
  internal_error: 500,
};

class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const U64 = /^(0|[1-9]\d{0,19})$/;
const SIGNER = /^0[23][0-9a-f]{64}$/;
const MAX_LIST = 500;

export interface RelayerHttpServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The relayer's HTTP surface (node:http: five read-only routes do not need a framework):
 *   GET /healthz                       status per signer; 200 when ok or standby, 503 when degraded
 *   GET /metrics                       Prometheus
 *   GET /batches/:id                   one batch (chain batch id) with every attestation and signature
 *   GET /batches?signer=&from=&after=&limit=   batch summaries, ordered by chain batch id
 * Errors: `{ error: { code, message, details?, requestId } }`.
 */
export async function serveRelayerHttp(
  relayer: Relayer,
  options: { host: string; port: number; logger: Logger },
): Promise<RelayerHttpServer> {
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relayer');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError('method_not_allowed', `${req.method} is not allowed`);
    if (url.pathname === '/healthz') {
      const health = await relayer.health();
      return sendJson(res, health.status === 'degraded' ? 503 : 200, health);
    }
    if (url.pathname === '/metrics') {
      const text = await relayer.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': relayer.metrics.registry.contentType });
      res.end(text);
      return;
    }
    if (url.pathname === '/batches') {
      const signer = url.searchParams.get('signer') ?? undefined;
      const from = url.searchParams.get('from') ?? '0';
      const after = url.searchParams.get('after');
      const limitText = url.searchParams.get('limit') ?? '100';
      if (signer !== undefined && !SIGNER.test(signer)) {
        throw new HttpError('invalid_request', 'signer must be a compressed public key in lowercase hex', {
          field: 'signer',
        });
      }
      if (!U64.test(from))
        throw new HttpError('invalid_request', 'from must be a decimal sequence number', { field: 'from' });
      if (after !== null && !U64.test(after))
        throw new HttpError('invalid_request', 'after must be a decimal batch id', { field: 'after' });
      if (!/^[1-9]\d{0,3}$/.test(limitText) || Number(limitText) > MAX_LIST) {
        throw new HttpError('invalid_request', `limit must be an integer in 1..${MAX_LIST}`, {
          field: 'limit',
        });
      }
      const batches = await relayer.store.listBatches({
        ...(signer ? { signer } : {}),
        fromSeq: BigInt(from),
        ...(after !== null ? { afterId: BigInt(after) } : {}),
        limit: Number(limitText),
      });
      return sendJson(res, 200, { batches });
    }
    const one = /^\/batches\/([^/]+)$/.exec(url.pathname);
    if (one) {
      const id = one[1] as string;
      if (!U64.test(id))
        throw new HttpError('invalid_request', 'the batch id must be a decimal integer', { field: 'id' });
      const batch = await relayer.store.publishedBatch(BigInt(id));
      if (!batch) throw new HttpError('not_found', `batch ${id} is not published by this relayer`);
      return sendJson(res, 200, batch);
    }
    throw new HttpError('not_found', `no route ${url.pathname}`);
  }

  const server: Server = createServer((req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    route(req, res).catch((error: unknown) => {
      const httpError =
        error instanceof HttpError ? error : new HttpError('internal_error', 'internal error');
      if (!(error instanceof HttpError)) options.logger.error({ requestId, err: error }, 'unexpected error');
      sendJson(res, STATUS[httpError.code], {
        error: {
          code: httpError.code,
          message: httpError.message,
          ...(httpError.details ? { details: httpError.details } : {}),
          requestId,
        },
      });
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Access-Control-Allow-Origin: the published batches are public, and the dapp's auditor page reads them from a browser.
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
  res.end(JSON.stringify(body));
}
