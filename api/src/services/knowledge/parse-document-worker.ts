import {
  type DocumentFormat,
  type DocumentLimits,
  DocumentTooLargeError,
  parseDocument,
} from './parse-document.js';

/**
 * One document, parsed in a process of its own. The process starts (and loads the parsers)
 * before a document arrives, so a parse does not wait for it; it is ended after its one reply.
 */
export interface ParseRequest {
  format: DocumentFormat;
  content: Uint8Array;
  limits: DocumentLimits;
}
export type ParseReply =
  | { text: string }
  | { error: string; tooLarge: false }
  | { error: string; tooLarge: true; reason: Uppercase<string> };

const send = process.send?.bind(process);
if (!send) throw new Error('parse-document-worker runs only as a child process with an IPC channel');

process.once('message', (message) => {
  const { format, content, limits } = message as ParseRequest;
  parseDocument(format, Buffer.from(content.buffer, content.byteOffset, content.byteLength), limits).then(
    (text) => send({ text } satisfies ParseReply),
    (error: Error) =>
      send(
        (error instanceof DocumentTooLargeError
          ? { error: error.message, tooLarge: true, reason: error.reason }
          : { error: error.message, tooLarge: false }) satisfies ParseReply,
      ),
  );
});
// Ready: the parent sends the document only to a process that has loaded this module.
send({ ready: true });
