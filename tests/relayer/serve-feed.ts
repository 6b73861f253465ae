import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attestationFromJson } from '@privexbot/schema/attestation';
import { buildReceipt, receiptToJson, signReceipt } from '@privexbot/schema/receipt';

/**
 * A gateway feed that serves whatever a test puts in it, speaking the gateway's protocol
 * (`GET /attestation`, `GET /attestations?after&limit` with a bearer token). It plays a
 * compromised or broken gateway: the real gateway only ever serves what it signed. Given the
 * signer's key it also signs receipts (`POST /receipts`, settlement v2) over what it serves.
 */
export async function serveFeed(signer: string, token: string, privateKey?: Uint8Array) {
  const entries: object[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://feed');
    if (url.pathname === '/receipts' && req.method === 'POST' && privateKey) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const { first_seq, last_seq } = JSON.parse(Buffer.concat(chunks).toString()) as Record<
          string,
          string
        >;
        const range = entries.slice(Number(first_seq) - 1, Number(last_seq));
        if (range.length !== Number(last_seq) - Number(first_seq) + 1) {
          res.writeHead(409, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'RANGE_NOT_ATTESTED', message: 'not served yet' } }));
          return;
        }
        const receipt = buildReceipt(range.map((entry) => attestationFromJson(entry).attestation));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(receiptToJson({ receipt, signature: signReceipt(receipt, privateKey) })));
      });
      return;
    }
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
