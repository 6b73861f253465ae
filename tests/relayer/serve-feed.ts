import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A gateway feed that serves whatever a test puts in it, speaking the gateway's protocol
 * (`GET /attestation`, `GET /attestations?after&limit` with a bearer token). It plays a
 * compromised or broken gateway: the real gateway only ever serves what it signed.
 */
export async function serveFeed(signer: string, token: string) {
  const entries: object[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://feed');
    if (url.pathname === '/attestation') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ signer, last_seq: String(entries.length) }));
      return;
    }
    if (url.pathname === '/attestations') {
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401).end();
        return;
      }
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          signer,
          last_seq: String(entries.length),
          next_after: String(Math.min(entries.length, after + limit)),
          attestations: entries.slice(after, after + limit),
        }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Position i serves as the i-th attestation after 0 (seq i + 1 for an honest feed). */
    entries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
