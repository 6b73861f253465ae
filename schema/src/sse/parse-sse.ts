// The one text/event-stream codec (WHATWG HTML, "server-sent events") of every PrivexBot
// reader: the widget (inlined into its bundle), the dapp's test chat and the tests' clients.
// Hand-written because EventSource cannot POST a body, and the libraries that can
// (eventsource-parser, fetch-event-source) would cost the widget more bytes than this file,
// against its 10 KB budget. Browser-safe: no Node module.

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseParser {
  /** Feeds decoded text; calls onEvent for every event completed by a blank line. */
  push(chunk: string): void;
}

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let buffer = '';
  let eventName = '';
  let dataLines: string[] = [];
  // Set when a chunk ended in CR: an LF opening the next chunk belongs to that CRLF.
  let pendingCr = false;

  const dispatch = () => {
    // Per the spec an event without any data line is not dispatched.
    if (dataLines.length > 0) onEvent({ event: eventName || 'message', data: dataLines.join('\n') });
    eventName = '';
    dataLines = [];
  };

  const takeLine = (line: string) => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return; // comment, used by servers as a keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventName = value;
    else if (field === 'data') dataLines.push(value);
    // `id` and `retry` only matter to EventSource reconnection, which we never do.
  };

  return {
    push(chunk) {
      if (chunk === '') return;
      if (pendingCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
      pendingCr = false;
      buffer += chunk;
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/);
        if (end < 0) return;
        const width = buffer.startsWith('\r\n', end) ? 2 : 1;
        if (buffer[end] === '\r' && end === buffer.length - 1) pendingCr = true;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + width);
        takeLine(line);
      }
    },
  };
}

/** Every complete event of a whole stream's text (a test that read the body at once). */
export function parseSseText(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  createSseParser((event) => events.push(event)).push(text);
  return events;
}

/**
 * Reads a response body as events, each yielded as soon as its blank line arrives. Breaking out
 * of the loop cancels the body (the server sees the client leave).
 */
export async function* readSse(body: ReadableStream<Uint8Array> | null): AsyncGenerator<SseEvent> {
  if (!body) return;
  const ready: SseEvent[] = [];
  const parser = createSseParser((event) => ready.push(event));
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      parser.push(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      while (ready.length > 0) yield ready.shift() as SseEvent;
      if (done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
