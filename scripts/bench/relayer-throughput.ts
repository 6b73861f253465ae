/**
 * Relayer verify-and-batch throughput: the CPU work the relayer does per attestation, on
 * real secp256k1 signatures: parse the feed JSON (hash check), verify the signature, check
 * the sequence, batch, encode `submit_batch` and compute the batch's Merkle root.
 * Goal (issue 5): >= 2,000 attestations/s on the 2-core development machine.
 *
 *   npx tsx scripts/bench/relayer-throughput.ts [--count 20000] [--batch 100]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { encodeSubmitBatch, merkleRoot } from '@privexbot/schema/attestation';
import { PendingBatch } from '../../relayer/src/pipeline/pending-batch.js';
import { verifyFeedPage } from '../../relayer/src/pipeline/verify-feed-page.js';
import { makeAttestation, testSignerKey } from '../../relayer/src/testing/make-attestations.js';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '20000' }, batch: { type: 'string', default: '100' } },
});
const count = Number(values.count);
const batchSize = Number(values.batch);
const key = testSignerKey(42);

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

const runs: number[] = [];
for (let run = 0; run < 3; run++) {
  const start = performance.now();
  let next = 1n;
  let batches = 0;
  const pending = new PendingBatch(batchSize, 1_000);
  for (const text of pages) {
    const page = JSON.parse(text) as { attestations: unknown[] };
    const verified = verifyFeedPage({ signer: key.hex, nextSeq: next, entries: page.attestations, now: 0 });
    if (verified.rejection) throw new Error(`unexpected rejection: ${verified.rejection.message}`);
    pending.add(verified.accepted);
    next += BigInt(verified.accepted.length);
    while (pending.size >= batchSize || (pending.size > 0 && next > BigInt(count))) {
      const items = pending.next();
      encodeSubmitBatch(items.map((i) => i.signed));
      merkleRoot(items.map((i) => i.hash));
      pending.drop(items.length);
      batches++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  runs.push(count / seconds);
  console.log(
    `run ${run + 1}: ${count} attestations in ${batches} batches of <= ${batchSize}: ${seconds.toFixed(2)} s, ${(count / seconds).toFixed(0)} attestations/s`,
  );
}
runs.sort((a, b) => a - b);
console.log(
  `signing the fixture (gateway side, not measured): ${(count / signSeconds).toFixed(0)} attestations/s`,
);
// The machine is shared: print what one core manages on the signature check alone, and the load.
const { attestationFromJson } = await import('@privexbot/schema/attestation');
const { verifyAttestationNative } = await import('../../relayer/src/pipeline/verify-signature-native.js');
const sample = (JSON.parse(pages[0] as string) as { attestations: unknown[] }).attestations
  .slice(0, 500)
  .map((a) => attestationFromJson(a));
const verifyStart = performance.now();
for (const s of sample) verifyAttestationNative(s.attestation, s.signature);
const verifyRate = sample.length / ((performance.now() - verifyStart) / 1000);
console.log(
  `signature check alone (OpenSSL): ${verifyRate.toFixed(0)}/s; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${(await import('node:os')).cpus().length} cores`,
);
console.log(`verify-and-batch throughput: median ${runs[1]?.toFixed(0)} attestations/s (goal >= 2000)`);
