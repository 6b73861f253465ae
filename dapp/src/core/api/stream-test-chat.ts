/**
 * The test chat of the bots page speaks the widget's public protocol (DESIGN.md):
 * `POST /v1/bots/:botId/chat` answers `text/event-stream` with `token`, `citations`, `usage`,
 * `done` or `error` events, read with the SSE codec of `@privexbot/schema/sse` (EventSource
 * cannot POST).
 */
import { isErrorCode } from '@privexbot/schema/errors';
import { readSse } from '@privexbot/schema/sse';
import type { DappConfig } from '../config.js';
import { ApiRequestError, InvalidInputError } from '../errors.js';
import { apiErrorFrom, apiFetch } from './api-request.js';
import type { Citation } from './api-types.js';

export interface StreamTestChatParameters {
  botId: string;
  message: string;
  conversationId?: string;
  signal?: AbortSignal;
  onToken: (text: string) => void;
}

export interface StreamTestChatReturnType {
  answer: string;
  citations: Citation[];
  conversationId: string | undefined;
}

export async function streamTestChat(
  config: DappConfig,
  parameters: StreamTestChatParameters,
): Promise<StreamTestChatReturnType> {
  if (!parameters.message.trim()) throw new InvalidInputError('Type a message first.');
  const path = `/v1/bots/${encodeURIComponent(parameters.botId)}/chat`;
  const response = await apiFetch(config, {
    method: 'POST',
    path,
    body: {
      message: parameters.message,
      ...(parameters.conversationId ? { conversationId: parameters.conversationId } : {}),
    },
    ...(parameters.signal ? { signal: parameters.signal } : {}),
  });
  if (!response.ok || !response.body) {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw apiErrorFrom(response.status, body, `POST ${path}`);
  }

  let answer = '';
  let citations: Citation[] = [];
  let conversationId = parameters.conversationId;
  let failure: Error | undefined;
  for await (const event of readSse(response.body)) {
    const data = safeJson(event.data);
    switch (event.event) {
      case 'token': {
        const text = typeof data?.text === 'string' ? data.text : '';
        answer += text;
        parameters.onToken(text);
        break;
      }
      case 'citations':
        citations = Array.isArray(data?.citations) ? (data.citations as Citation[]) : [];
        break;
      case 'done':
        if (typeof data?.conversationId === 'string') conversationId = data.conversationId;
        break;
      case 'error':
        failure = new ApiRequestError({
          status: 200,
          code: isErrorCode(data?.code) ? data.code : 'CHAT_ERROR',
          message: typeof data?.message === 'string' ? data.message : 'The bot could not answer.',
        });
        break;
      default:
        break;
    }
  }
  if (failure) throw failure;
  return { answer, citations, conversationId };
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
