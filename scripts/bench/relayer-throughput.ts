/**
 * Relayer verify-and-batch throughput: the CPU work the relayer does per attestation, on
 * real secp256k1 signatures: parse the feed JSON (hash check), verify the signature, check
 * the sequence, batch, encode `submit_batch` and compute the batch's Merkle root.
 * Goal (issue 5): >= 2,000 attestations/s on the 2-core development machine.
 *
 * Three signature checks run side by side on the same pages, in alternating rounds so that
 * a neighbour's load hits them alike: the relayer's (libsecp256k1), the previous one (Node's
 * OpenSSL, re-encoding and re-hashing each attestation) and pure JavaScript (@noble/curves,
 * what the browser audit uses).
 *
 *   npx tsx scripts/bench/relayer-throughput.ts [--count 20000] [--batch 100] [--rounds 3]
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { PendingBatch } from '@privexbot/relayer/pipeline/pending-batch';
import { type SignatureVerifier, verifyFeedPage } from '@privexbot/relayer/pipeline/verify-feed-page';
import { verifyAttestationNative } from '@privexbot/relayer/pipeline/verify-signature-native';
import { makeAttestation, testSignerKey } from '@privexbot/relayer/testing/make-attestations';
import {
  type Attestation,
  encodeAttestation,
  encodeSubmitBatch,
  merkleRoot,
  verifyAttestation,
} from '@privexbot/schema/attestation';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
  },
});
const count = Number(values.count);
const batchSize = Number(values.batch);
const rounds = Number(values.rounds);
const key = testSignerKey(42);

/** The previous relayer path, kept here for comparison: OpenSSL over the re-encoded bytes. */
const HALF_ORDER = secp256k1.Point.CURVE().n >> 1n;
let openSslKey: KeyObject | undefined;
const verifyWithOpenSsl: SignatureVerifier = (att: Attestation, signature: Uint8Array) => {
  if (signature.length !== 64) return false;
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  if (s === 0n || s > HALF_ORDER) return false;
  if (!openSslKey) {
    const point = secp256k1.Point.fromBytes(att.signer).toAffine();
    const coordinate = (n: bigint) =>
      Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url');
    openSslKey = createPublicKey({
      key: { kty: 'EC', crv: 'secp256k1', x: coordinate(point.x), y: coordinate(point.y) },
      format: 'jwk',
    });
  }
  return verify('sha256', encodeAttestation(att), { key: openSslKey, dsaEncoding: 'ieee-p1363' }, signature);
};
const verifyWithNoble: SignatureVerifier = (att, signature) => verifyAttestation(att, signature);

const paths: { name: string; verify: SignatureVerifier; rates: number[] }[] = [
  { name: 'libsecp256k1 (relayer)', verify: verifyAttestationNative, rates: [] },
  { name: 'OpenSSL (previous)', verify: verifyWithOpenSsl, rates: [] },
  { name: '@noble/curves (browser audit)', verify: verifyWithNoble, rates: [] },
];

const signStart = performance.now();
// Feed pages as a gateway serves them: JSON text, parsed by the relayer.
const pages: string[] = [];
for (let first = 1; first <= count; first += 1000) {
  const page = [];
  for (let seq = first; seq < Math.min(first + 1000, count + 1); seq++)
    page.push(makeAttestation(key, BigInt(seq)));
  pages.push(JSON.stringify({ signer: key.hex, last_seq: String(count), attestations: page }));
}
const signSeconds = (performance.now() - signStart) / 1000;

/** The relayer's per-attestation work over every page; returns attestations per second. */
function relayAll(verifySignature: SignatureVerifier, limit: number): number {
  const start = performance.now();
  let next = 1n;
  const pending = new PendingBatch(batchSize, 1_000);
  let done = 0;
  for (const text of pages) {
    if (done >= limit) break;
    const page = JSON.parse(text) as { attestations: unknown[] };
    const entries = page.attestations.slice(0, limit - done);
    const verified = verifyFeedPage({ signer: key.hex, nextSeq: next, entries, now: 0, verifySignature });
    if (verified.rejection) throw new Error(`unexpected rejection: ${verified.rejection.message}`);
    pending.add(verified.accepted);
    next += BigInt(verified.accepted.length);
    done += verified.accepted.length;
    while (pending.size >= batchSize || (pending.size > 0 && done >= limit)) {
      const items = pending.next();
      encodeSubmitBatch(items.map((i) => i.signed));
      merkleRoot(items.map((i) => i.hash));
      pending.drop(items.length);
    }
  }
  return done / ((performance.now() - start) / 1000);
}

console.log(
  `${count} attestations (signed for the fixture at ${(count / signSeconds).toFixed(0)}/s, not measured), batches of <= ${batchSize}`,
);
for (let round = 1; round <= rounds; round++) {
  for (const path of paths) {
    // The slow paths run on a fifth of the attestations: enough for a stable rate.
    const limit = path.verify === verifyAttestationNative ? count : Math.ceil(count / 5);
    const rate = relayAll(path.verify, limit);
    path.rates.push(rate);
    console.log(`round ${round}  ${path.name.padEnd(30)} ${rate.toFixed(0).padStart(6)} attestations/s`);
  }
}
const median = (rates: number[]) => [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)] ?? 0;
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores`,
);
for (const path of paths)
  console.log(`median ${path.name.padEnd(30)} ${median(path.rates).toFixed(0).padStart(6)} attestations/s`);
console.log(
  `verify-and-batch throughput: median ${median(paths[0]?.rates ?? []).toFixed(0)} attestations/s on one core (goal >= 2000)`,
);
