import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseParser, formatSseEvent, parseSseText, readSse, type SseEvent } from './index.js';

function parseAll(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('createSseParser', () => {
  it('reads named events with JSON data', () => {
    const stream = 'event: token\ndata: {"text":"Hel"}\n\nevent: done\ndata: {"conversationId":"c1"}\n\n';
    expect(parseAll([stream])).toEqual([
      { event: 'token', data: '{"text":"Hel"}' },
      { event: 'done', data: '{"conversationId":"c1"}' },
    ]);
  });

  it('joins multi-line data, skips comments and defaults the event name to message', () => {
    expect(parseAll([': keep-alive\ndata: a\ndata:b\nid: 7\n\n'])).toEqual([
      { event: 'message', data: 'a\nb' },
    ]);
  });

  it('accepts CRLF and CR line endings, also when CRLF is split across chunks', () => {
    expect(parseAll(['event: x\r', '\ndata: 1\r\n\r', '\n', 'data: 2\r\r'])).toEqual([
      { event: 'x', data: '1' },
      { event: 'message', data: '2' },
    ]);
  });

  it('does not dispatch an event that has not been terminated by a blank line', () => {
    expect(parseAll(['event: token\ndata: {"text":"a"}\n'])).toEqual([]);
  });

  it('does not dispatch an event without data', () => {
    expect(parseAll(['event: ping\n\n'])).toEqual([]);
  });

  it('yields the same events however the stream is split into chunks', () => {
    const eventArb = fc.record({
      event: fc.constantFrom('token', 'citations', 'done', 'error'),
      data: fc.string({ unit: fc.constantFrom('a', 'é', '{', '"', ':', ' ', '😀') }),
    });
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (events, cuts, eol) => {
          const text = events.map((e) => `event: ${e.event}${eol}data: ${e.data}${eol}${eol}`).join('');
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(text.slice(from, p));
            from = p;
          }
          chunks.push(text.slice(from));
          expect(parseAll(chunks)).toEqual(events);
        },
      ),
    );
  });
});

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

describe('formatSseEvent', () => {
  it('writes what the parser reads back, JSON or multi-line text', () => {
    const wire = formatSseEvent('token', { text: 'a\nb' }) + formatSseEvent('note', 'line 1\nline 2');
    expect(wire).toBe('event: token\ndata: {"text":"a\\nb"}\n\nevent: note\ndata: line 1\ndata: line 2\n\n');
    expect(parseSseText(wire)).toEqual([
      { event: 'token', data: '{"text":"a\\nb"}' },
      { event: 'note', data: 'line 1\nline 2' },
    ]);
  });

  it('cannot be made to forge a second event by a payload with line breaks', () => {
    const events = parseSseText(formatSseEvent('token', 'x\n\nevent: done\ndata: {}'));
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toBe('token');
  });
});

describe('readSse', () => {
  it('yields each event as its bytes arrive, also when a character is split across chunks', async () => {
    const bytes = new TextEncoder().encode(
      formatSseEvent('token', { text: 'café 😀' }) + formatSseEvent('done', {}),
    );
    const chunks = [bytes.slice(0, 32), bytes.slice(32, 33), bytes.slice(33)]; // 32 falls inside "é"
    const events: SseEvent[] = [];
    for await (const event of readSse(streamOf(chunks))) events.push(event);
    expect(events.map((e) => e.event)).toEqual(['token', 'done']);
    expect(JSON.parse(events[0]?.data ?? '')).toEqual({ text: 'café 😀' });
  });

  it('yields an event before the stream ends', async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    controller.enqueue(new TextEncoder().encode(formatSseEvent('token', { text: 'a' })));
    const events = readSse(body);
    expect((await events.next()).value).toEqual({ event: 'token', data: '{"text":"a"}' });
    controller.close();
    expect((await events.next()).done).toBe(true);
  });
});
