import type { ChildProcess } from 'node:child_process';
import { type CappedChild, startCappedChild } from '../start-capped-child.js';
import type { ExtractedPage } from './extract-page.js';
import type { ExtractReply, ExtractRequest } from './extract-page-worker.js';

export interface PageExtractorSettings {
  /** A page still being extracted after this long is given up: `EXTRACT_TIMEOUT`. */
  timeoutMs: number;
  /** Heap of the extracting process; a page that needs more is given up: `EXTRACT_TOO_LARGE`. */
  maxMemoryMb: number;
}

export const defaultPageExtractorSettings: PageExtractorSettings = { timeoutMs: 10_000, maxMemoryMb: 512 };

/** A page the extractor gave up on; the crawl records it with this reason and goes on. */
export class PageExtractError extends Error {
  override readonly name = 'PageExtractError';
  constructor(
    readonly reason: 'EXTRACT_TIMEOUT' | 'EXTRACT_TOO_LARGE' | 'EXTRACT_FAILED',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Extracts crawled pages off the api's event loop, the way uploads are parsed (see
 * DocumentParser): in a child process with a heap cap (`--max-old-space-size`) and a deadline,
 * so a hostile page (nested 100,000 deep, megabytes of markup) costs its own process and never
 * stalls chat for every tenant. Unlike an upload's parser, one process serves every page of a
 * crawl (pages come one at a time, and starting a process costs more than a small page); it is
 * killed only when a page overruns a cap, and the next page starts a fresh one.
 */
export class PageExtractor {
  private running: CappedChild | undefined;
  private nextId = 1;

  constructor(readonly settings: PageExtractorSettings = defaultPageExtractorSettings) {}

  /** The page's content; a PageExtractError when it overran a cap or could not be read. */
  extract(html: string, url: string): Promise<ExtractedPage> {
    const { child, ready } = this.process();
    const { timeoutMs, maxMemoryMb } = this.settings;
    const request: ExtractRequest = { id: this.nextId++, html, url };
    return new Promise<ExtractedPage>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void, kill: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (kill) this.stop(child);
        outcome();
      };
      const deadline = setTimeout(
        () =>
          finish(
            () =>
              reject(new PageExtractError('EXTRACT_TIMEOUT', `the page was not read within ${timeoutMs} ms`)),
            true,
          ),
        timeoutMs,
      );
      const onMessage = (reply: ExtractReply | { ready: true }) => {
        if (!('id' in reply) || reply.id !== request.id) return;
        if ('page' in reply) finish(() => resolve(reply.page), false);
        else finish(() => reject(new PageExtractError('EXTRACT_FAILED', reply.error)), false);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        finish(
          () =>
            reject(
              // V8 aborts a process that reaches its heap limit.
              signal === 'SIGABRT' || code === 134
                ? new PageExtractError(
                    'EXTRACT_TOO_LARGE',
                    `reading the page needs more than ${maxMemoryMb} MB`,
                  )
                : new PageExtractError('EXTRACT_FAILED', 'the extracting process ended'),
            ),
          true,
        );
      child.on('message', onMessage);
      child.on('exit', onExit);
      ready.then(
        () => {
          if (!settled) child.send(request);
        },
        () =>
          finish(
            () => reject(new PageExtractError('EXTRACT_FAILED', 'the extracting process did not start')),
            true,
          ),
      );
    });
  }

  close(): void {
    if (this.running) this.stop(this.running.child);
  }

  private stop(child: ChildProcess): void {
    child.kill('SIGKILL');
    if (this.running?.child === child) this.running = undefined;
  }

  private process(): CappedChild {
    if (this.running) return this.running;
    const { child, ready } = startCappedChild({
      worker: new URL('./extract-page-worker.js', import.meta.url),
      maxMemoryMb: this.settings.maxMemoryMb,
      what: 'extracting',
    });
    child.once('exit', () => {
      if (this.running?.child === child) this.running = undefined;
    });
    this.running = { child, ready };
    return this.running;
  }
}
