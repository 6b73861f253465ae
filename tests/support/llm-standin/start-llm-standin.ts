import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hiddenContextOf, type ObeyMode, obeyInjection } from './obey-injection.js';

/**
 * A local OpenAI-compatible server standing in for the LLM (Secret AI, OpenAI, ...) in tests and
 * benchmarks. It speaks the real wire protocol (chat completions with and without SSE
 * streaming, usage in the last chunk when `stream_options.include_usage`, embeddings in float
 * or base64, models), so the gateway's `openai` SDK client runs unchanged against it.
 * Answers are deterministic: the same request always streams the same tokens.
 */
export interface LlmStandinOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Delay before the first token of a streamed answer. */
  ttftMs?: number;
  /** Delay between two streamed tokens. */
  tokenDelayMs?: number;
  /** Bearer token to require; none when undefined. */
  apiKey?: string;
  /** Number of tokens of an answer when the request sets no max_tokens. */
  answerTokens?: number;
  /** false: never report usage, like upstreams that do not (the gateway must count itself). */
  reportUsage?: boolean;
  /**
   * A model that fails mid-stream: after this many tokens of a streamed answer the connection
   * is cut without a last chunk, as an upstream crash or a dropped proxy does. Tests may change
   * it on the running stand-in through `setFailAfterTokens`.
   */
  failAfterTokens?: number;
  /**
   * A model that obeys a prompt injection: it answers with the `<background>` block of its
   * system message (the learn-only passages) echoed back in this form (obey-injection.ts),
   * then one sentence of the citable passages when there are any. Changeable on the running
   * stand-in through `setObeyMode`.
   */
  obey?: ObeyMode;
}

export interface LlmStandinStats {
  chatRequests: number;
  completedStreams: number;
  /** Streams whose client went away before the last chunk. */
  abortedStreams: number;
  /** Streams the stand-in cut itself (`failAfterTokens`). */
  failedStreams: number;
  embeddingRequests: number;
  /** The last chat request body, for assertions on what the caller sent. */
  lastChatRequest?: ChatRequest;
}

export interface LlmStandin {
  /** Base URL including `/v1`, as the `openai` SDK's `baseURL` wants it. */
  url: string;
  port: number;
  stats: LlmStandinStats;
  /** Emits 'aborted' and 'completed' (with the request) when a stream ends. */
  events: EventEmitter;
  /** undefined: answers complete again. */
  setFailAfterTokens(tokens: number | undefined): void;
  /** undefined: ordinary answers again. */
  setObeyMode(mode: ObeyMode | undefined): void;
  close(): Promise<void>;
}

interface ChatMessage {
  role: string;
  content: string | { type: string; text?: string }[] | null;
}

interface ChatRequest {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
}

const MODELS = ['standin-small', 'standin-large'];
const FILLER = 'this answer comes from the local stand in model and says nothing of substance'.split(' ');

export async function startLlmStandin(options: LlmStandinOptions = {}): Promise<LlmStandin> {
  const ttftMs = options.ttftMs ?? 0;
  const tokenDelayMs = options.tokenDelayMs ?? 0;
  const stats: LlmStandinStats = {
    chatRequests: 0,
    completedStreams: 0,
    abortedStreams: 0,
    failedStreams: 0,
    embeddingRequests: 0,
  };
  let failAfterTokens = options.failAfterTokens;
  let obey = options.obey;
  const events = new EventEmitter();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'server_error', String(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, 401, 'invalid_api_key', 'Incorrect API key provided.');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: MODELS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'privexbot-standin' })),
      });
    }
    if (req.method !== 'POST') return sendError(res, 404, 'not_found', `No route ${req.method} ${path}`);
    const body = await readJson(req);
    if (body === undefined) return sendError(res, 400, 'invalid_json', 'Request body is not valid JSON.');
    if (path === '/v1/chat/completions') return chat(body as ChatRequest, res);
    if (path === '/v1/embeddings') return embeddings(body as EmbeddingRequest, res);
    return sendError(res, 404, 'not_found', `No route POST ${path}`);
  }

  async function chat(body: ChatRequest, res: ServerResponse): Promise<void> {
    stats.chatRequests++;
    stats.lastChatRequest = body;
    if (!Array.isArray(body.messages) || body.messages.length === 0 || typeof body.model !== 'string') {
      return sendError(
        res,
        400,
        'invalid_request_error',
        'model and a non-empty messages array are required.',
      );
    }
    const tokens = obey ? obeyingTokens(body, obey) : answerTokens(body, options.answerTokens ?? 24);
    const promptTokens = countWords(body.messages.map(messageText).join(' '));
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: tokens.length,
      total_tokens: promptTokens + tokens.length,
    };
    const id = `chatcmpl-standin-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12)}`;
    const created = Math.floor(Date.now() / 1000);
    const reportUsage = options.reportUsage !== false;

    if (!body.stream) {
      await sleep(ttftMs + tokenDelayMs * Math.max(0, tokens.length - 1));
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [
          { index: 0, message: { role: 'assistant', content: tokens.join('') }, finish_reason: 'stop' },
        ],
        ...(reportUsage ? { usage } : {}),
      });
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    let clientGone = false;
    res.on('close', () => {
      if (!res.writableFinished) clientGone = true;
    });
    const chunk = (delta: object, finishReason: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`;

    res.write(chunk({ role: 'assistant', content: '' }, null));
    await sleep(ttftMs);
    for (let i = 0; i < tokens.length; i++) {
      if (clientGone) break;
      if (i > 0) await sleep(tokenDelayMs);
      if (clientGone) break;
      if (failAfterTokens !== undefined && i >= failAfterTokens) {
        stats.failedStreams++;
        events.emit('failed', body);
        // The tokens already written reach the client first, as they would from a real crash.
        await new Promise((resolve) => res.write('', resolve));
        res.destroy();
        return;
      }
      res.write(chunk({ content: tokens[i] }, null));
    }
    if (clientGone) {
      stats.abortedStreams++;
      events.emit('aborted', body);
      return;
    }
    res.write(chunk({}, 'stop'));
    if (reportUsage && body.stream_options?.include_usage) {
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
    stats.completedStreams++;
    events.emit('completed', body);
  }

  function embeddings(body: EmbeddingRequest, res: ServerResponse): void {
    stats.embeddingRequests++;
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) {
      sendError(res, 400, 'invalid_request_error', 'input must be a string or an array of strings.');
      return;
    }
    const dimensions = body.dimensions ?? 1536;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 8192) {
      sendError(res, 400, 'invalid_request_error', 'dimensions must be an integer in 1..8192.');
      return;
    }
    const data = inputs.map((text, index) => {
      const vector = deterministicEmbedding(text, dimensions);
      const embedding =
        body.encoding_format === 'base64'
          ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')
          : Array.from(vector);
      return { object: 'embedding', index, embedding };
    });
    const promptTokens = inputs.reduce((sum, text) => sum + countWords(text), 0);
    sendJson(res, 200, {
      object: 'list',
      data,
      model: body.model ?? 'standin-embedding',
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/v1`,
    port,
    stats,
    events,
    setFailAfterTokens(tokens) {
      failAfterTokens = tokens;
    },
    setObeyMode(mode) {
      obey = mode;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface EmbeddingRequest {
  input?: string | string[];
  model?: string;
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
}

/** The answer, split the way it streams: one word (with its trailing space) per token. */
function answerTokens(body: ChatRequest, defaultCount: number): string[] {
  const limit = body.max_completion_tokens ?? body.max_tokens ?? defaultCount;
  const lastUser = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const echo = lastUser ? messageText(lastUser).split(/\s+/).filter(Boolean).slice(0, 6) : [];
  const words = ['Stand-in', 'answer', 'about', ...echo, ...FILLER];
  const count = Math.max(1, Math.min(limit, defaultCount));
  return Array.from({ length: count }, (_, i) => `${words[i % words.length]}${i === count - 1 ? '.' : ' '}`);
}

/**
 * The obeying model's answer, in pieces of a few characters as a tokenizer would cut it (an
 * encoded leak arrives in fragments, not as one word): the hidden context transformed, then
 * the first sentence of the citable passages (the part a guard must let through).
 */
function obeyingTokens(body: ChatRequest, mode: ObeyMode): string[] {
  const systems = (body.messages ?? []).filter((m) => m.role === 'system').map(messageText);
  const hidden = systems.map(hiddenContextOf).filter(Boolean).join(' ');
  const citable = systems
    .join('\n')
    .match(/\[1\](?: \([^)]*\))? ([^\n]*)/)?.[1]
    ?.match(/^[^.!?]*[.!?]?/)?.[0];
  const text = [hidden ? obeyInjection(mode, hidden) : '', citable ?? ''].filter(Boolean).join('\n');
  return text.match(/[\s\S]{1,4}/g) ?? [''];
}

function messageText(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (Array.isArray(message.content)) return message.content.map((part) => part.text ?? '').join(' ');
  return '';
}

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Unit-length vector derived from SHA-256 of the text: equal texts get equal vectors. */
function deterministicEmbedding(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let block = Buffer.alloc(0);
  for (let i = 0; i < dimensions; i++) {
    if (i % 16 === 0)
      block = createHash('sha256')
        .update(`${i / 16}:${text}`)
        .digest();
    vector[i] = block.readUInt16BE((i % 16) * 2) / 32768 - 1;
  }
  const norm = Math.hypot(...vector) || 1;
  for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** OpenAI's error shape, which the SDK turns into typed APIError subclasses. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { message, type: code, param: null, code } });
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
