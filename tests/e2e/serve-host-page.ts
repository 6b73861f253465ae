/**
 * A website of the bot's owner on another origin: serves one HTML page that contains whatever
 * embed snippet the test copied from the dapp, as the owner would paste it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostPage {
  origin: string;
  /** The snippet the page embeds (set before opening it). */
  snippet: string;
  close(): Promise<void>;
}

export async function serveHostPage(): Promise<HostPage> {
  const state = { snippet: '' };
  const server = createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>The Lighthouse Bakery</title></head>
<body>
<h1>The Lighthouse Bakery</h1>
<p>Fresh bread every morning.</p>
${state.snippet}
</body>
</html>`);
  });
  // localhost rather than 127.0.0.1: a different site from the dapp's origin, as a real host page is.
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    get snippet() {
      return state.snippet;
    },
    set snippet(value: string) {
      state.snippet = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
