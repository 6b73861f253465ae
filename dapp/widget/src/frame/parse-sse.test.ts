import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './parse-sse.js';

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
