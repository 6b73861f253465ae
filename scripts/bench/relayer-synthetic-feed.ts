/**
 * A gateway feed for the relayer's memory benchmark: serves `--count` attestations of one
 * test signer, signed on demand (libsecp256k1, ~6,000/s), so a million attestations need neither a
 * million chat requests nor a million lines on disk. Same protocol as the gateway's
 * `GET /attestation` and `GET /attestations?after&limit`. Runs in its own process so its
 * memory is not counted as the relayer's.
 *
 *   npx tsx scripts/bench/relayer-synthetic-feed.ts --port 0 --count 1000000   (prints {"url": ...})
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { signAttestationNative } from '@privexbot/relayer/testing/sign-attestation-native';
import { type Attestation, attestationToJson, signerPublicKey } from '@privexbot/schema/attestation';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    count: { type: 'string', default: '1000000' },
    token: { type: 'string', default: 'bench-feed-token-0123456789' },
  },
});
const count = Number(values.count);
const secret = new Uint8Array(32).fill(77); // a fixed benchmark key, worthless anywhere else
const publicKey = signerPublicKey(secret);
// Timestamps an hour in the past, one second per thousand: the contract refuses future ones.
const TS = BigInt(Math.floor(Date.now() / 1000) - 3600);

function attestation(seq: number): string {
  const reqHash = new Uint8Array(32);
  new DataView(reqHash.buffer).setUint32(0, seq);
  const att: Attestation = {
    v: 1,
    signer: publicKey,
    seq: BigInt(seq),
    org: BigInt(1 + (seq % 5)),
    bot: '123e4567-e89b-12d3-a456-426614174000',
    ts: TS + BigInt(Math.floor(seq / 1000)),
    promptTokens: 100 + (seq % 400),
    completionTokens: 20 + (seq % 300),
    reqHash,
    model: 'bench-model',
  };
  // libsecp256k1: the same bytes as the gateway's signer, ten times faster.
  return JSON.stringify(
    attestationToJson({ attestation: att, signature: signAttestationNative(att, secret) }),
  );
}

const signerHex = Buffer.from(publicKey).toString('hex');
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://feed');
  if (url.pathname === '/attestation') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ signer: signerHex, last_seq: String(count) }));
    return;
  }
  if (url.pathname !== '/attestations' || req.headers.authorization !== `Bearer ${values.token}`) {
    res.writeHead(url.pathname === '/attestations' ? 401 : 404).end();
    return;
  }
  const after = Number(url.searchParams.get('after') ?? 0);
  const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 100));
  const lines: string[] = [];
  for (let seq = after + 1; seq <= Math.min(count, after + limit); seq++) lines.push(attestation(seq));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`{"signer":"${signerHex}","last_seq":"${count}","attestations":[${lines.join(',')}]}`);
});
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(
    JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, signer: signerHex }),
  );
});
