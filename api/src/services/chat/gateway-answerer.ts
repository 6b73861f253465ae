import { gatewayAuthHeaders } from '@privexbot/schema/attestation';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { type AnswerEvent, type Answerer, AnswererError, type AnswerRequest } from './answerer.js';
import { httpFetch } from './http-fetch.js';

/**
 * Answers through the inference gateway (`POST /v1/chat`, HMAC-signed with the shared
 * secret; see api/src/gateway/README.md). The gateway streams `token` events and a final
 * `done` with the usage it attested, or `error`.
 */
export class GatewayAnswerer implements Answerer {
  readonly kind = 'gateway' as const;

  constructor(private readonly options: { url: string; secret: string; timeoutMs: number }) {}

  async *stream(request: AnswerRequest, signal: AbortSignal): AsyncIterable<AnswerEvent> {
    const body = JSON.stringify({
      org: request.orgId,
      bot: request.botId,
      model: request.model,
      messages: request.messages,
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      ...(request.passages.length ? { passages: request.passages } : {}),
    });
    const response = await httpFetch(`${this.options.url.replace(/\/$/, '')}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gatewayAuthHeaders(this.options.secret, body) },
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
    }).catch((error: unknown) => {
      if (signal.aborted) throw error;
      throw new AnswererError(`the inference gateway cannot be reached: ${(error as Error).message}`, {
        cause: error,
      });
    });
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => '');
      throw new AnswererError(
        `the inference gateway answered HTTP ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    const queue: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => queue.push(event) });
    const decoder = new TextDecoder();
    for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(part, { stream: true }));
      while (queue.length) {
        const event = queue.shift() as EventSourceMessage;
        const data = JSON.parse(event.data) as Record<string, unknown>;
        if (event.event === 'token' && typeof data.text === 'string')
          yield { type: 'token', text: data.text };
        else if (event.event === 'done') {
          const usage = data.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
          yield {
            type: 'done',
            usage: usage
              ? { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 }
              : undefined,
            model: typeof data.model === 'string' ? data.model : undefined,
          };
          return;
        } else if (event.event === 'error') {
          const error = (data.error ?? data) as { code?: string; message?: string };
          throw new AnswererError(
            `the inference gateway failed: ${error.code ?? 'error'} ${error.message ?? ''}`.trim(),
          );
        }
      }
    }
    throw new AnswererError('the inference gateway closed the stream before its final event');
  }
}
