import { type ExtractedPage, extractPage } from './extract-page.js';

/**
 * The process that extracts a crawl's pages, one request at a time, for as long as the crawl
 * runs: the parent kills it when a page takes too long and starts another for the next page.
 */
export interface ExtractRequest {
  id: number;
  html: string;
  url: string;
}
export type ExtractReply = { id: number; page: ExtractedPage } | { id: number; error: string };

const send = process.send?.bind(process);
if (!send) throw new Error('extract-page-worker runs only as a child process with an IPC channel');

process.on('message', (message) => {
  const { id, html, url } = message as ExtractRequest;
  try {
    send({ id, page: extractPage(html, url) } satisfies ExtractReply);
  } catch (error) {
    send({ id, error: (error as Error).message.slice(0, 200) } satisfies ExtractReply);
  }
});
// Ready: the parent sends a page only to a process that has loaded linkedom.
send({ ready: true });
