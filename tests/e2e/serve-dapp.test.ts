import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DappServer, serveDapp } from './serve-dapp.js';

/** An upstream that answers with the path it was asked for, under its own name. */
async function upstream(name: string): Promise<{ url: string; server: Server; release: () => void }> {
  let release = () => {};
  const server = createServer((req, res) => {
    if (req.url === '/v1/stream') {
      // The second event is written only once the client has seen the first.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      release = () => res.end('data: second\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, path: req.url }));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    release: () => release(),
  };
}

describe("the journey's dapp origin", () => {
  let home: string;
  let dist: string;
  let dapp: DappServer;
  const upstreams: Awaited<ReturnType<typeof upstream>>[] = [];

  beforeAll(async () => {
    // Under a dot-directory, as the journey's cached build is (~/.cache/privexbot/dapp-build).
    home = mkdtempSync(join(tmpdir(), 'dapp-dist-'));
    dist = join(home, '.cache', 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>dapp</title>');
    writeFileSync(join(dist, 'assets', 'app-3f2a.js'), 'console.log("app")');
    writeFileSync(join(tmpdir(), 'outside-dist.txt'), 'not the dapp');
    const [api, devnet, relayer] = await Promise.all([
      upstream('api'),
      upstream('devnet'),
      upstream('relayer'),
    ]);
    upstreams.push(api, devnet, relayer);
    dapp = await serveDapp({
      distDir: dist,
      apiUrl: api.url,
      devnetUrl: devnet.url,
      relayerUrl: relayer.url,
    });
  });

  afterAll(async () => {
    await dapp?.close();
    for (const { server } of upstreams) server.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('serves the build as the api serves it: hashed assets cached for good, client routes get index.html', async () => {
    const asset = await fetch(`${dapp.origin}/assets/app-3f2a.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log("app")');

    const route = await fetch(`${dapp.origin}/bots/123`, { headers: { accept: 'text/html' } });
    expect(route.status).toBe(200);
    expect(route.headers.get('cache-control')).toBe('no-cache');
    expect(await route.text()).toContain('<title>dapp</title>');

    expect((await fetch(`${dapp.origin}/assets/missing.js`)).status).toBe(404);
    const traversal = await fetch(`${dapp.origin}/..%2f..%2foutside-dist.txt`);
    expect(await traversal.text()).not.toContain('not the dapp');
  });

  it('puts the api, the devnet and the relayer behind the same origin', async () => {
    expect(await (await fetch(`${dapp.origin}/v1/orgs?x=1`)).json()).toEqual({
      name: 'api',
      path: '/v1/orgs?x=1',
    });
    expect(await (await fetch(`${dapp.origin}/healthz`)).json()).toEqual({ name: 'api', path: '/healthz' });
    expect(await (await fetch(`${dapp.origin}/devnet/status`)).json()).toEqual({
      name: 'devnet',
      path: '/status',
    });
    expect(await (await fetch(`${dapp.origin}/relayer/healthz`)).json()).toEqual({
      name: 'relayer',
      path: '/healthz',
    });
  });

  it('streams an SSE answer through event by event', async () => {
    const chunks: string[] = [];
    await new Promise<void>((resolve, reject) => {
      request(`${dapp.origin}/v1/stream`, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          chunks.push(chunk);
          if (chunks.length === 1) upstreams[0]?.release();
        });
        res.on('end', resolve);
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    expect(chunks[0]).toBe('data: first\n\n');
    expect(chunks.join('')).toBe('data: first\n\ndata: second\n\n');
  });
});
