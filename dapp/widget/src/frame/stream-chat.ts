// One chat turn against POST /v1/bots/:botId/chat, read as a server-sent event stream.
import { createSseParser } from '@privexbot/schema/sse';
import type { Citation } from './visitor-session.js';

export interface ChatHandlers {
  onToken(text: string): void;
  onCitations(citations: Citation[]): void;
  onDone(conversationId: string): void;
}

/** A failure the server reported in a well-formed way (HTTP error body or an `error` event). */
export class ChatError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads `{ error: { code, message } }` from an error response, tolerating any other body. */
export async function readErrorBody(response: Response): Promise<ChatError> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : `HTTP_${response.status}`;
    const message = typeof body.error?.message === 'string' ? body.error.message : '';
    return new ChatError(code, message);
  } catch {
    return new ChatError(`HTTP_${response.status}`, '');
  }
}

/**
 * Reads the stream of an accepted chat request to its end. A stream that breaks off is never
 * re-sent: the answer may already have been generated and counted.
 */
export async function readChatStream(response: Response, handlers: ChatHandlers): Promise<void> {
  if (!response.body) throw new ChatError('STREAM_BROKEN', '');
  let finished = false;
  let failure: ChatError | undefined;
  const parser = createSseParser(({ event, data }) => {
    if (finished) return;
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(data);
    } catch {
      return; // a malformed event is skipped, not fatal
    }
    if (event === 'token' && typeof payload.text === 'string') handlers.onToken(payload.text);
    else if (event === 'citations' && Array.isArray(payload.citations)) {
      handlers.onCitations(
        payload.citations.filter(
          (c): c is Citation => typeof c?.title === 'string' && typeof c?.snippet === 'string',
        ),
      );
    } else if (event === 'done') {
      finished = true;
      handlers.onDone(typeof payload.conversationId === 'string' ? payload.conversationId : '');
    } else if (event === 'error') {
      finished = true;
      failure = new ChatError(String(payload.code ?? 'ERROR'), String(payload.message ?? ''));
    }
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(value);
      if (finished) break;
    }
  } catch {
    // fall through: reported below as a broken stream unless the answer was complete
  } finally {
    reader.cancel().catch(() => {});
  }
  if (failure) throw failure;
  if (!finished) throw new ChatError('STREAM_BROKEN', '');
}
