import { randomUUID } from 'node:crypto';
import { gatewayAuthHeaders } from '@privexbot/schema/attestation';
import { nativeFetch as httpFetch } from '@privexbot/schema/fetch';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import {
  type AnswerEvent,
  type Answerer,
  AnswererError,
  type AnswerRequest,
  type AnswerUsage,
  type OfferedModels,
} from './answerer.js';

/** The gateway's account of one request (`POST /v1/chat/stop`). */
type GatewayOutcome =
  | { attested: true; partial: boolean; usage: GatewayUsage; model: string }
  | { attested: false; reason: string };

interface GatewayUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

const STOP_ATTEMPTS = 4;

/**
 * Answers through the inference gateway (`POST /v1/chat`, HMAC-signed with the shared
 * secret; see api/src/gateway/README.md). The gateway streams `token` events and a final
 * `done` with the usage it attested, or `error` (with the usage it still attested when the
 * model failed mid-answer).
 *
 * Each request carries an id of ours (`x-request-id`). When the visitor leaves, the answer is
 * stopped by that id (`POST /v1/chat/stop`) rather than by dropping the connection, and the
 * stream ends with the stopped answer's attested usage. When the connection breaks without a
 * final event, the same call reads back what the gateway attested. Either way the api counts
 * exactly what the chain will: the gateway keeps one outcome per id.
 */
export class GatewayAnswerer implements Answerer {
  readonly kind = 'gateway' as const;
  private readonly baseUrl: string;

  constructor(private readonly options: { url: string; secret: string; timeoutMs: number }) {
    this.baseUrl = options.url.replace(/\/$/, '');
  }

  async *stream(request: AnswerRequest, signal: AbortSignal): AsyncIterable<AnswerEvent> {
    if (signal.aborted) throw new AnswererError('the visitor left before the model was called');
    const requestId = randomUUID();
    let stopping: Promise<GatewayOutcome> | undefined;
    const stop = () => {
      stopping ??= this.stop(requestId);
      return stopping;
    };
    const onVisitorLeft = () => void stop().catch(() => {});
    signal.addEventListener('abort', onVisitorLeft, { once: true });
    try {
      yield* this.read(request, requestId, stop);
    } finally {
      signal.removeEventListener('abort', onVisitorLeft);
    }
  }

  private async *read(
    request: AnswerRequest,
    requestId: string,
    stop: () => Promise<GatewayOutcome>,
  ): AsyncIterable<AnswerEvent> {
    const body = JSON.stringify({
      org: request.orgId,
      bot: request.botId,
      model: request.model,
      messages: request.messages,
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      ...(request.passages.length ? { passages: request.passages } : {}),
      ...(request.fallbackMessage ? { fallback_message: request.fallbackMessage } : {}),
    });
    let response: Response;
    try {
      response = await httpFetch(`${this.baseUrl}/v1/chat`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': requestId,
          ...gatewayAuthHeaders(this.options.secret, body),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      // The request may have reached the gateway: settle it by id before saying it failed.
      return yield* settle(
        await stop(),
        `the inference gateway cannot be reached: ${(error as Error).message}`,
      );
    }
    if (!response.ok || !response.body) {
      // Refused before the model was called (bad request, unknown model, a stop that came first).
      const text = await response.text().catch(() => '');
      throw new AnswererError(
        `the inference gateway answered HTTP ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    const queue: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => queue.push(event) });
    const decoder = new TextDecoder();
    try {
      for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(part, { stream: true }));
        while (queue.length) {
          const event = queue.shift() as EventSourceMessage;
          const data = JSON.parse(event.data) as Record<string, unknown>;
          if (event.event === 'token' && typeof data.text === 'string')
            yield { type: 'token', text: data.text };
          else if (event.event === 'done') {
            yield {
              type: 'done',
              usage: usageOf(data.usage as GatewayUsage | undefined),
              model: typeof data.model === 'string' ? data.model : undefined,
              partial: data.partial === true,
              ...(Array.isArray(data.cited)
                ? { cited: data.cited.filter((i): i is number => Number.isSafeInteger(i)) }
                : {}),
            };
            return;
          } else if (event.event === 'error') {
            const error = (data.error ?? data) as { code?: string; message?: string };
            throw new AnswererError(
              `the inference gateway failed: ${error.code ?? 'error'} ${error.message ?? ''}`.trim(),
              { usage: usageOf(data.usage as GatewayUsage | undefined) },
            );
          }
        }
      }
    } catch (error) {
      if (error instanceof AnswererError) throw error;
      return yield* settle(
        await stop(),
        `the connection to the inference gateway broke: ${(error as Error).message}`,
      );
    }
    return yield* settle(await stop(), 'the inference gateway closed the stream before its final event');
  }

  /** `GET /models` of the gateway: the bot models it maps to an upstream model. */
  async offeredModels(): Promise<OfferedModels> {
    const response = await httpFetch(`${this.baseUrl}/models`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`the inference gateway answered HTTP ${response.status} on /models`);
    const body = (await response.json()) as Partial<OfferedModels>;
    if (!Array.isArray(body.models) || typeof body.open !== 'boolean')
      throw new Error('the inference gateway sent no model list');
    return {
      models: body.models.filter((m): m is string => typeof m === 'string'),
      open: body.open,
      offline: body.offline === true,
    };
  }

  /** Stops the answer of `requestId` (if it still runs) and returns what it consumed. */
  private async stop(requestId: string): Promise<GatewayOutcome> {
    const body = JSON.stringify({ request_id: requestId });
    let lastError: unknown;
    for (let attempt = 0; attempt < STOP_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      try {
        const response = await httpFetch(`${this.baseUrl}/v1/chat/stop`, {
          method: 'POST',
          // Signed anew each attempt: the gateway refuses a replayed signature.
          headers: { 'content-type': 'application/json', ...gatewayAuthHeaders(this.options.secret, body) },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        if (response.ok) return (await response.json()) as GatewayOutcome;
        lastError = new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
        if (response.status < 500) break;
      } catch (error) {
        lastError = error;
      }
    }
    throw new AnswererError(
      `the inference gateway did not say what a stopped answer consumed: ${(lastError as Error).message}`,
      { cause: lastError },
    );
  }
}

/** The end of a stream that lost its final event, from the gateway's own account of it. */
async function* settle(outcome: GatewayOutcome, failure: string): AsyncIterable<AnswerEvent> {
  if (!outcome.attested) throw new AnswererError(failure);
  if (outcome.partial) throw new AnswererError(failure, { usage: usageOf(outcome.usage) });
  yield { type: 'done', usage: usageOf(outcome.usage), model: outcome.model, partial: false };
}

function usageOf(usage: GatewayUsage | undefined): AnswerUsage | undefined {
  if (!usage) return undefined;
  return { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 };
}
