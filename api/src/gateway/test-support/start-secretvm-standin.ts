import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the SecretVM attestation server's protocol (scrtlabs/
 * secret-vm-attest-rest-server): `GET /cpu` → the CPU quote as hex text, `GET /cpu.html` → the
 * same in a page, `GET /status` → JSON. The quote has the Intel TDX v4 layout with the given
 * report_data; its signature section is filler, since no Intel key exists on this machine.
 */
export async function startSecretVmStandin(
  reportData: Uint8Array,
): Promise<{ url: string; quoteHex: string; close(): Promise<void> }> {
  const quoteHex = tdxQuoteV4(reportData).toString('hex');
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/cpu') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(quoteHex);
    } else if (req.method === 'GET' && req.url === '/cpu.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!DOCTYPE html><html><body><h1>CPU Attestation Quote</h1><pre id="quote">${quoteHex}</pre></body></html>`,
      );
    } else if (req.method === 'GET' && req.url === '/status') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'server is alive', time: new Date().toISOString(), env: 'dev' }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Not found' }));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    quoteHex,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Header (48) + TD report body (584, report_data at 520) + signature data (length-prefixed). */
export function tdxQuoteV4(reportData: Uint8Array): Buffer {
  const header = Buffer.alloc(48);
  header.writeUInt16LE(4, 0); // version
  header.writeUInt16LE(2, 2); // attestation key type: ECDSA-256 P-256
  header.writeUInt32LE(0x81, 4); // TEE type: TDX
  randomBytes(16).copy(header, 12); // QE vendor id (filler)
  const body = randomBytes(584); // measurements (filler)
  Buffer.from(reportData).copy(body, 520);
  const signature = randomBytes(128);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(signature.length);
  return Buffer.concat([header, body, length, signature]);
}

export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}
