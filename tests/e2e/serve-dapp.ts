/**
 * The dapp's origin for the journey: the production build as static files, with the api, the
 * devnet and the relayer behind the same origin exactly as dapp/vite.config.ts proxies them in
 * development (`/auth`, `/v1`, `/widget.js`, `/embed`, ... → api; `/devnet/*` → devnet;
 * `/relayer/*` → relayer). Unknown paths that accept HTML get index.html (client-side routes).
 *
 * Written here rather than using `vite preview` because preview does not apply the dev
 * server's proxy to a build, and the api does not serve the dapp yet (DAPP_DIST_DIR).
 * Responses are streamed through untouched, so SSE arrives token by token.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const API_PREFIXES = ['/auth/', '/v1/', '/openapi.json', '/widget.js', '/embed/', '/healthz', '/readyz'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

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
  const proxy = (req: IncomingMessage, res: ServerResponse, target: string, path: string) => {
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
  };

  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (API_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix)))
      return proxy(req, res, options.apiUrl, path);
    if (path.startsWith('/devnet/')) return proxy(req, res, options.devnetUrl, path.slice('/devnet'.length));
    if (path.startsWith('/relayer/'))
      return proxy(req, res, options.relayerUrl, path.slice('/relayer'.length));

    const pathname = decodeURIComponent(new URL(path, 'http://x').pathname);
    const file = normalize(join(options.distDir, pathname));
    const inside = file.startsWith(options.distDir + sep);
    const target =
      inside && existsSync(file) && statSync(file).isFile()
        ? file
        : req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')
          ? join(options.distDir, 'index.html')
          : undefined;
    if (!target) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream' });
    createReadStream(target).pipe(res);
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
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
