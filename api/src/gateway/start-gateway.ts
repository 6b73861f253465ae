import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { modelCacheDirectory } from '@privexbot/schema/sentence-model';
import { type Logger, pino } from 'pino';
import { createOfflineAnswerer } from './answer-offline.js';
import { createUpstreamAnswerer } from './answer-with-upstream.js';
import { AttestationLog } from './attestation-log.js';
import { ChatOutcomes } from './chat-outcomes.js';
import { createNativeSigner } from './create-native-signer.js';
import {
  fetchTeeQuote,
  type InsecureQuote,
  insecureDevQuote,
  readTeeQuoteFile,
  type TeeQuote,
} from './fetch-tee-quote.js';
import { GatewayError, sendError } from './gateway-error.js';
import { createGatewayMetrics } from './gateway-metrics.js';
import { handleChat } from './handle-chat.js';
import type { GatewayConfig } from './load-gateway-config.js';
import { loadSignerKey, readPemPrivateKey } from './load-signer-key.js';
import { ModelPolicy } from './model-policy.js';
import { RangeReceipts } from './range-receipts.js';
import { createSentenceScorer } from './sentence-scorers.js';
import { PlatformRequestVerifier } from './verify-platform-request.js';

export interface Gateway {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  signerHex: string;
  quote: TeeQuote | InsecureQuote;
  close(): Promise<void>;
}

export interface GatewayRuntime {
  logger?: Logger;
  now?: () => number;
}

const MAX_PAGE = 1000;

/**
 * Starts the inference gateway: loads (or creates) its signer key, opens its attestation log,
 * obtains its TEE quote (refusing to start if a configured SecretVM quote does not bind the
 * key), and serves the routes below with node:http. No framework: the code running in the TEE
 * stays small enough to read in one sitting.
 *
 *   POST /v1/chat                  api platform (HMAC)   → SSE token… then done | error
 *   POST /v1/chat/stop             api platform (HMAC)   → stops one answer, returns what it consumed
 *   GET  /models                   anyone                → the bot models this gateway serves
 *   GET  /attestations?after&limit relayers (bearer)     → signed attestations in seq order
 *   POST /receipts                 relayers (bearer)     → the signed receipt of a range (settlement v2)
 *   GET  /attestation              anyone                → signer key + TEE quote (or insecure: true)
 *   GET  /healthz                  operators
 *   GET  /metrics                  operators (Bearer GATEWAY_METRICS_TOKEN; 404 when unset)
 */
export async function startGateway(config: GatewayConfig, runtime: GatewayRuntime = {}): Promise<Gateway> {
  const logger = runtime.logger ?? pino({ name: 'inference-gateway' });
  const now = runtime.now ?? Date.now;
  const importedKey = config.signerKeyPemFile
    ? readPemPrivateKey(await readFile(config.signerKeyPemFile, 'utf8'))
    : undefined;
  const key = loadSignerKey(config.dataDir, config.sealKey, importedKey);
  const signerHex = Buffer.from(key.publicKey).toString('hex');
  if (key.created) logger.info({ signer: signerHex }, 'generated a new signer key');
  if (!key.sealed) {
    logger.warn(
      { signer: signerHex },
      '!!! INSECURE DEV MODE: the signer key is stored UNENCRYPTED (mode 0600) in the data directory. Set GATEWAY_SEAL_KEY, and run in a TEE in production. !!!',
    );
  }
  const log = await AttestationLog.open(config.dataDir, signerHex);
  if (log.repairedBytes > 0)
    logger.warn({ bytes: log.repairedBytes }, 'cut a torn last line off the attestation log');

  let quote: TeeQuote | InsecureQuote;
  if (config.teeQuoteFile || config.secretVmAttestationUrl) {
    // A configured TEE whose quote does not bind the key is fatal: never sign under a false claim.
    const loading = config.teeQuoteFile
      ? readTeeQuoteFile(config.teeQuoteFile, key.publicKey)
      : fetchTeeQuote(config.secretVmAttestationUrl as string, config.secretVmQuotePath, key.publicKey);
    quote = await loading.catch(async (error: unknown) => {
      await log.close();
      throw error;
    });
    logger.info(
      { kind: quote.kind, source: quote.source, binding: quote.binding },
      'TEE quote binds the signer key',
    );
  } else {
    quote = insecureDevQuote();
    logger.warn(quote.reason);
  }

  if (!quote.insecure && config.upstream && Object.keys(config.upstream.modelMap).length === 0) {
    await log.close();
    // Unmapped names would reach the upstream as given: any bot could run the costliest model.
    throw new Error(
      'GATEWAY_MODEL_MAP is required outside insecure dev mode: map each model the platform offers to an upstream model',
    );
  }
  const models = new ModelPolicy(config.upstream?.modelMap);
  const outcomes = new ChatOutcomes({ retentionMs: 10 * 60_000, maxEntries: 100_000, now });

  const metrics = createGatewayMetrics();
  metrics.lastSeq.set(Number(log.lastSeq));
  const verifier = new PlatformRequestVerifier(config.platformSecret, config.authWindowMs, now);
  const scorer = config.upstream
    ? undefined
    : createSentenceScorer({ cacheDirectory: config.modelCacheDirectory ?? modelCacheDirectory(), logger });
  const answer = scorer
    ? createOfflineAnswerer(scorer)
    : createUpstreamAnswerer(config.upstream as NonNullable<typeof config.upstream>);
  if (!config.upstream)
    logger.warn('no upstream configured: answers come from the offline extractive answerer');
  const signer = createNativeSigner(key.privateKey);
  const chatDeps = {
    key,
    signer,
    log,
    verifier,
    answer,
    models,
    outcomes,
    metrics,
    logger,
    now,
  };
  const feedTokenDigest = digest(config.feedToken);
  const metricsTokenDigest = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
  const receipts = await RangeReceipts.open(config.dataDir, log, key.privateKey).catch(
    async (error: unknown) => {
      await log.close();
      throw error;
    },
  );

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const endpoint = `${req.method} ${url.pathname}`;
    switch (endpoint) {
      case 'POST /v1/chat': {
        const body = await readBody(req, config.maxBodyBytes);
        try {
          return await handleChat(chatDeps, req, res, body, requestId);
        } catch (error) {
          if (error instanceof GatewayError) metrics.chatRequests.inc({ outcome: 'rejected' });
          throw error;
        }
      }
      case 'POST /v1/chat/stop': {
        const body = await readBody(req, config.maxBodyBytes);
        verifier.verify(req.headers, body);
        return sendJson(res, 200, { request_id: parseStopRequest(body), ...(await stopChat(body)) });
      }
      case 'GET /models':
        return sendJson(res, 200, models.offered());
      case 'GET /attestations':
        return sendAttestations(req, res, url);
      case 'POST /receipts': {
        requireFeedToken(req);
        const { first, last } = parseReceiptRequest(await readBody(req, config.maxBodyBytes));
        return sendJson(res, 200, await receipts.receiptFor(first, last));
      }
      case 'GET /attestation':
        return sendJson(res, 200, {
          signer: signerHex,
          signer_base64: Buffer.from(key.publicKey).toString('base64'),
          last_seq: log.lastSeq.toString(),
          key_sealed: key.sealed,
          insecure: quote.insecure,
          tee: quote,
        });
      case 'GET /healthz':
        // 503 once the attestation log cannot be written: answers could no longer be attested.
        return sendJson(res, log.failure ? 503 : 200, {
          status: log.failure ? 'failing' : 'ok',
          ...(log.failure ? { reason: log.failure } : {}),
          signer: signerHex,
          last_seq: log.lastSeq.toString(),
          answerer: config.upstream ? 'upstream' : 'offline',
          insecure: quote.insecure,
        });
      case 'GET /metrics': {
        // Operators only: request counts and timings say how busy which bots are. Unset token:
        // not served at all, as the api does.
        if (metricsTokenDigest === undefined) throw new GatewayError('NOT_FOUND', `no route ${url.pathname}`);
        if (!timingSafeEqual(digest(bearerOf(req)), metricsTokenDigest))
          throw new GatewayError('UNAUTHORIZED', 'GET /metrics needs the operator token');
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
        return;
      }
      default: {
        const known = [
          '/v1/chat',
          '/v1/chat/stop',
          '/models',
          '/attestations',
          '/receipts',
          '/attestation',
          '/healthz',
          '/metrics',
        ].includes(url.pathname);
        throw known
          ? new GatewayError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}`)
          : new GatewayError('NOT_FOUND', `no route ${url.pathname}`);
      }
    }
  }

  function bearerOf(req: IncomingMessage): string {
    const auth = req.headers.authorization ?? '';
    return auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
  }

  function stopChat(body: string) {
    return outcomes.stop(parseStopRequest(body));
  }

  /** Relayers' routes (the feed and receipts) take the feed's bearer token. */
  function requireFeedToken(req: IncomingMessage): void {
    // Compare digests so the comparison takes the same time whatever the token's length.
    if (!timingSafeEqual(digest(bearerOf(req)), feedTokenDigest)) {
      throw new GatewayError('UNAUTHORIZED', 'a valid bearer token is required');
    }
  }

  async function sendAttestations(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    requireFeedToken(req);
    const afterText = url.searchParams.get('after') ?? '0';
    const limitText = url.searchParams.get('limit') ?? '100';
    if (!/^(0|[1-9]\d{0,19})$/.test(afterText))
      throw new GatewayError('INVALID_REQUEST', 'after must be a decimal u64');
    if (!/^[1-9]\d{0,3}$/.test(limitText) || Number(limitText) > MAX_PAGE) {
      throw new GatewayError('INVALID_REQUEST', `limit must be an integer in 1..${MAX_PAGE}`);
    }
    const after = BigInt(afterText);
    const lines = await log.readAfter(after, Number(limitText));
    const lastSeq = log.lastSeq;
    const nextAfter = after + BigInt(lines.length);
    // The lines are already the JSON form: splice them in rather than parse and re-serialize.
    const body = `{"signer":"${signerHex}","last_seq":"${lastSeq}","next_after":"${nextAfter}","attestations":[${lines.join(',')}]}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  }

  const server = createServer((req, res) => {
    const requestId = requestIdOf(req);
    route(req, res, requestId).catch((error: unknown) => {
      if (error instanceof GatewayError) return sendError(res, error, requestId);
      logger.error({ requestId, err: error }, 'unexpected error');
      if (res.headersSent) res.destroy();
      else sendError(res, new GatewayError('INTERNAL_ERROR', 'internal error'), requestId);
    });
  });
  // Relayers poll the feed and the api streams answers over kept-alive connections. Node's 5 s
  // default lets a busy gateway close a connection its client is reusing that very moment
  // (ECONNRESET); a minute keeps connections in steady use far from expiry, as the devnet does.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, signer: signerHex, last_seq: log.lastSeq.toString() }, 'inference gateway listening');
  return {
    url: `http://${config.host}:${port}`,
    port,
    signerHex,
    quote,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await receipts.close();
      await log.close();
      await scorer?.close?.();
    },
  };
}

/** Body of `POST /v1/chat/stop`: `{ "request_id": "<the x-request-id of the chat>" }`. */
function parseStopRequest(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new GatewayError('INVALID_JSON', 'the request body is not valid JSON');
  }
  const id = (parsed as { request_id?: unknown } | null)?.request_id;
  if (typeof id !== 'string' || !/^[\w-]{1,64}$/.test(id))
    throw new GatewayError(
      'INVALID_REQUEST',
      'request_id must be the chat request id (1–64 letters, digits, _ or -)',
    );
  return id;
}

/** Body of `POST /receipts`: `{ "first_seq": "<u64>", "last_seq": "<u64>" }`. */
function parseReceiptRequest(body: string): { first: bigint; last: bigint } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new GatewayError('INVALID_JSON', 'the request body is not valid JSON');
  }
  const { first_seq, last_seq } = (parsed ?? {}) as { first_seq?: unknown; last_seq?: unknown };
  const u64 = (value: unknown) => typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value);
  if (!u64(first_seq) || !u64(last_seq))
    throw new GatewayError(
      'INVALID_REQUEST',
      'first_seq and last_seq must be decimal sequence numbers (from 1)',
    );
  return { first: BigInt(first_seq as string), last: BigInt(last_seq as string) };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new GatewayError('PAYLOAD_TOO_LARGE', `the body exceeds ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new GatewayError('PAYLOAD_TOO_LARGE', `the body exceeds ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
