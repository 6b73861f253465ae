import { formatSseEvent } from '@privexbot/schema/sse';
import type { Response } from 'express';
import type { ChatSink } from './answer-chat.js';

/**
 * A text/event-stream response. Every event is written at once: Express does not buffer
 * res.write, and `X-Accel-Buffering: no` stops nginx-style proxies from buffering either.
 */
export class SseStream implements ChatSink {
  constructor(private readonly res: Response) {}

  open(): void {
    this.res.status(200);
    this.res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('cache-control', 'no-cache, no-transform');
    this.res.setHeader('x-accel-buffering', 'no');
    this.res.flushHeaders();
    // Nagle would hold small token writes back for up to 40 ms.
    this.res.socket?.setNoDelay(true);
  }

  send(event: Parameters<ChatSink['send']>[0], data: unknown): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.write(formatSseEvent(event, data));
  }

  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }
}
