/**
 * The dapp's origin for the journey: the production build served by the api's own dapp
 * router (`@privexbot/api/http/serve-dapp`, what the api mounts with DAPP_DIST_DIR), with the
 * api, the devnet and the relayer behind the same origin exactly as dapp/vite.config.ts
 * proxies them in development (`/auth`, `/v1`, `/widget.js`, `/embed`, ... → api;
 * `/devnet/*` → devnet; `/relayer/*` → relayer).
 *
 * A front of its own rather than `vite preview`, because preview does not apply the dev
 * server's proxy to a build, and the api alone has no `/devnet` or `/relayer`. Proxied
 * responses are streamed through untouched, so SSE arrives token by token.
 */
import { type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveDapp as dappFiles } from '@privexbot/api/http/serve-dapp';
import express from 'express';

const API_PREFIXES = ['/auth/', '/v1/', '/openapi.json', '/widget.js', '/embed/', '/healthz', '/readyz'];

export interface DappServer {
  origin: string;
  close(): Promise<void>;
}

export async function serveDapp(options: {
  distDir: string;
  apiUrl: string;
  devnetUrl: string;
  relayerUrl: string;
  port?: number;
}): Promise<DappServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const path = req.originalUrl;
    if (API_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix)))
      return proxy(req, res, options.apiUrl, path);
    if (path.startsWith('/devnet/')) return proxy(req, res, options.devnetUrl, path.slice('/devnet'.length));
    if (path.startsWith('/relayer/'))
      return proxy(req, res, options.relayerUrl, path.slice('/relayer'.length));
    next();
  });
  app.use(dappFiles(options.distDir));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found');
  });
  const server: Server = app.listen(options.port ?? 0, '127.0.0.1');
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function proxy(req: IncomingMessage, res: ServerResponse, target: string, path: string): void {
  const url = new URL(path, target);
  const upstream = request(
    url,
    { method: req.method, headers: { ...req.headers, host: url.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('upstream unreachable');
  });
  req.pipe(upstream);
}
