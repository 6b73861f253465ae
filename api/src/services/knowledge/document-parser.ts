import { AppError, AppErrorCode } from '../../http/app-error.js';
import { type DocumentFormat, DocumentTooLargeError, preflightDocument } from './parse-document.js';
import type { ParseReply, ParseRequest } from './parse-document-worker.js';
import { type CappedChild, startCappedChild } from './start-capped-child.js';

export interface DocumentParserSettings {
  /** A parse still running after this long is stopped: 422 DOCUMENT_UNPARSABLE. */
  timeoutMs: number;
  /** Heap of the parsing process; past it the process dies: 413 DOCUMENT_TOO_LARGE. */
  maxMemoryMb: number;
  /** Bytes a DOCX may inflate to (declared and actual), checked before the parser runs. */
  maxExpandedBytes: number;
  /** Characters of extracted text one source may yield. */
  maxTextChars: number;
  /** Uploads one org may have in flight at once; more get 429. */
  uploadsPerOrg: number;
  /** Parsing processes at once; more wait for a free one. */
  processes: number;
}

/**
 * Parses uploaded documents off the event loop. Each parse runs in a fresh child process with
 * a heap cap (`--max-old-space-size`) and a deadline, and archives and PDF streams are checked
 * against an expansion cap before they are inflated, so a hostile file (a zip bomb, a PDF
 * whose objects recurse, a CSV that is one huge line) costs its own process and is refused;
 * `/healthz`, chat and every other request keep being served meanwhile.
 *
 * Why a process and not a worker thread: a worker thread past its `resourceLimits` can take
 * the whole api down (V8 reports some out-of-memory failures, in JSON.parse for one, as fatal
 * for the process; seen here), while a child that runs out of memory dies alone. A fresh one
 * per document also means a parser that leaked or hung leaves nothing behind; one spare is kept
 * started so a parse does not wait for a process to boot.
 */
export class DocumentParser {
  private readonly uploadsInFlight = new Map<string, number>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** A started process waiting for the next document (starting one costs most of a small parse). */
  private spare: CappedChild | undefined;
  private closed = false;

  constructor(readonly settings: DocumentParserSettings) {}

  /** Runs one upload of `orgId` (fetch, parse, chunk), refusing past the org's concurrency bound. */
  async withUploadSlot<T>(orgId: string, upload: () => Promise<T>): Promise<T> {
    const current = this.uploadsInFlight.get(orgId) ?? 0;
    if (current >= this.settings.uploadsPerOrg) {
      throw new AppError(
        AppErrorCode.RATE_LIMITED,
        `this organization already has ${current} documents being read: wait for one to finish`,
        { details: { reason: 'UPLOAD_CONCURRENCY', limit: this.settings.uploadsPerOrg } },
      );
    }
    this.uploadsInFlight.set(orgId, current + 1);
    try {
      return await upload();
    } finally {
      const left = (this.uploadsInFlight.get(orgId) ?? 1) - 1;
      if (left > 0) this.uploadsInFlight.set(orgId, left);
      else this.uploadsInFlight.delete(orgId);
    }
  }

  /** The document's text; a 4xx AppError when it is unreadable or exceeds a limit. */
  async parse(format: DocumentFormat, content: Buffer): Promise<string> {
    const limits = {
      maxExpandedBytes: this.settings.maxExpandedBytes,
      maxTextChars: this.settings.maxTextChars,
    };
    // Checks that cost microseconds run here, so an honest bomb is refused before any process starts.
    try {
      preflightDocument(format, content, limits);
    } catch (error) {
      if (error instanceof DocumentTooLargeError) {
        throw new AppError(AppErrorCode.DOCUMENT_TOO_LARGE, error.message, {
          details: { reason: error.reason, format },
        });
      }
      throw error;
    }
    await this.acquireProcessSlot();
    try {
      return await this.parseInProcess(format, content);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.spare?.child.kill('SIGKILL');
    this.spare = undefined;
  }

  private startProcess(): CappedChild {
    return startCappedChild({
      worker: new URL('./parse-document-worker.js', import.meta.url),
      maxMemoryMb: this.settings.maxMemoryMb,
      what: 'parsing',
    });
  }

  private takeProcess(): CappedChild {
    const taken = this.spare ?? this.startProcess();
    this.spare = undefined;
    taken.child.ref();
    taken.child.channel?.ref();
    if (!this.closed) {
      const spare = this.startProcess();
      // An idle spare never keeps the api (or a test) alive; one that dies is simply not used.
      spare.child.unref();
      spare.child.channel?.unref();
      spare.child.once('exit', () => {
        if (this.spare === spare) this.spare = undefined;
      });
      this.spare = spare;
    }
    return taken;
  }

  private acquireProcessSlot(): Promise<void> {
    if (this.running < this.settings.processes) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.running++;
        resolve();
      }),
    );
  }

  private parseInProcess(format: DocumentFormat, content: Buffer): Promise<string> {
    const { timeoutMs, maxMemoryMb, maxExpandedBytes, maxTextChars } = this.settings;
    const request: ParseRequest = {
      format,
      content: new Uint8Array(content.buffer, content.byteOffset, content.byteLength),
      limits: { maxExpandedBytes, maxTextChars },
    };
    const { child, ready } = this.takeProcess();
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        child.kill('SIGKILL');
        outcome();
      };
      const failed = (reason: Uppercase<string>) =>
        new AppError(AppErrorCode.DOCUMENT_UNPARSABLE, `the ${format} document could not be read`, {
          details: { reason, format },
        });
      const deadline = setTimeout(
        () =>
          finish(() =>
            reject(
              new AppError(
                AppErrorCode.DOCUMENT_UNPARSABLE,
                `the ${format} document could not be read within ${timeoutMs} ms`,
                { details: { reason: 'PARSE_TIMEOUT', format, limitMs: timeoutMs } },
              ),
            ),
          ),
        timeoutMs,
      );
      ready.then(
        () => child.send(request),
        () => finish(() => reject(failed('PARSER_FAILED'))),
      );
      child.on('message', (reply: ParseReply | { ready: true }) => {
        if ('ready' in reply) return;
        finish(() => {
          if ('text' in reply) resolve(reply.text);
          else if (reply.tooLarge)
            reject(
              new AppError(AppErrorCode.DOCUMENT_TOO_LARGE, reply.error, {
                details: { reason: reply.reason, format },
              }),
            );
          else
            reject(
              new AppError(AppErrorCode.VALIDATION_FAILED, reply.error, {
                details: { reason: 'UNREADABLE_DOCUMENT', format },
              }),
            );
        });
      });
      child.on('exit', (code, signal) =>
        finish(() =>
          reject(
            // V8 aborts a process that reaches its heap limit.
            signal === 'SIGABRT' || code === 134
              ? new AppError(
                  AppErrorCode.DOCUMENT_TOO_LARGE,
                  `reading this ${format} document needs more than ${maxMemoryMb} MB`,
                  { details: { reason: 'PARSE_MEMORY', format, limitMb: maxMemoryMb } },
                )
              : failed('PARSER_FAILED'),
          ),
        ),
      );
    });
  }
}
