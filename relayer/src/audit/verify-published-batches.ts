/**
 * The audit: does what the chain counted equal what the gateways signed? Browser-safe (no
 * node: imports, no I/O): the audit CLI (scripts/audit) and the dapp's auditor page fetch
 * the inputs their own way and call `auditBatches`. Import it as
 * `@privexbot/relayer/audit` (relayer/src/audit/index.ts).
 */
import { fromBase64, toHex } from '@cosmjs/encoding';
import {
  AttestationError,
  attestationFromJson,
  hashAttestation,
  merkleRoot,
  verifyAttestation,
} from '@privexbot/schema/attestation';

/** A batch header as the usage contract returns it (`batch` / `batches` queries). */
export interface AuditBatchHeader {
  id: number;
  signer: string; // base64
  first_seq: string;
  last_seq: string;
  count: number;
  merkle_root: string; // base64
  time: string; // nanoseconds
  prompt_tokens: string;
  completion_tokens: string;
}

/** A signer as the usage contract returns it (`signer` query); undefined when unknown. */
export interface AuditSignerRecord {
  mode: 'tee' | 'dev';
  revoked_at: string | null; // nanoseconds
  last_seq: string;
}

/** What the relayer publishes for one batch (`GET /batches/:id`, or `batches/<id>.json`). */
export interface AuditPublishedBatch {
  batch?: { id?: string; signer?: string; first_seq?: string; count?: number };
  attestations: unknown[];
}

/** An org's counters per UTC day as the contract returns them (`org_usage`). */
export interface AuditOrgUsage {
  org_id: number | string;
  days: { day: number; counters: { messages: string; prompt_tokens: string; completion_tokens: string } }[];
}

export interface AuditInput {
  headers: readonly AuditBatchHeader[];
  /** Published contents by batch id; a missing id means the publication does not have it. */
  published: ReadonlyMap<number, AuditPublishedBatch>;
  /** Signer registrations by hex public key; a missing key means the contract does not know it. */
  signers: ReadonlyMap<string, AuditSignerRecord | undefined>;
  /** True when `headers` are every batch on chain: then sequences must start at 1 and totals must match. */
  complete: boolean;
  /** Public totals of the contract (`totals`), checked when `complete`. */
  totals?: { messages: string; prompt_tokens: string; completion_tokens: string };
  /** Private per-org counters, read with a permit; the org's attestations must sum to them day by day. */
  orgUsage?: readonly AuditOrgUsage[];
  /** First and last day covered by `orgUsage` (the contract returns only days with usage). */
  dayRange?: { from: number; to: number };
}

export type AuditProblemCode =
  | 'missing_batch'
  | 'publication_mismatch'
  | 'malformed_attestation'
  | 'tampered_attestation'
  | 'bad_signature'
  | 'wrong_signer'
  | 'sequence_mismatch'
  | 'merkle_mismatch'
  | 'header_sum_mismatch'
  | 'unregistered_signer'
  | 'revoked_signer'
  | 'sequence_gap'
  | 'duplicate_sequence'
  | 'last_seq_mismatch'
  | 'totals_mismatch'
  | 'counter_mismatch';

export interface AuditProblem {
  code: AuditProblemCode;
  message: string;
  batchId?: number;
  signer?: string;
  seq?: string;
  org?: string;
  day?: number;
}

export interface DaySums {
  org: string;
  day: number;
  messages: bigint;
  promptTokens: bigint;
  completionTokens: bigint;
}

export interface AuditReport {
  ok: boolean;
  problems: AuditProblem[];
  /** Notes that are not failures (e.g. a dev signer whose counts no TEE vouches for). */
  warnings: string[];
  batchesChecked: number;
  attestationsVerified: number;
  signers: string[];
  /** Sums of the verified attestations per org and UTC day. */
  sums: DaySums[];
}

const DAY = 86_400n;

export function auditBatches(input: AuditInput): AuditReport {
  const problems: AuditProblem[] = [];
  const warnings: string[] = [];
  const sums = new Map<string, DaySums>();
  const totals = { messages: 0n, promptTokens: 0n, completionTokens: 0n };
  let verified = 0;
  const bySigner = new Map<string, AuditBatchHeader[]>();

  for (const header of [...input.headers].sort((a, b) => a.id - b.id)) {
    const signer = toHex(fromBase64(header.signer));
    const list = bySigner.get(signer) ?? [];
    list.push(header);
    bySigner.set(signer, list);
    const where = { batchId: header.id, signer };
    const published = input.published.get(header.id);
    if (!published) {
      problems.push({
        code: 'missing_batch',
        message: `batch ${header.id} is on chain but not published`,
        ...where,
      });
      continue;
    }
    const first = BigInt(header.first_seq);
    if (published.attestations.length !== header.count) {
      problems.push({
        code: 'publication_mismatch',
        message: `batch ${header.id}: the chain counted ${header.count} attestations, the publication has ${published.attestations.length}`,
        ...where,
      });
    }
    const hashes: Uint8Array[] = [];
    let prompt = 0n;
    let completion = 0n;
    const batchDays: DaySums[] = [];
    let batchOk = true;
    published.attestations.forEach((raw, i) => {
      const seq = (first + BigInt(i)).toString();
      let signed: ReturnType<typeof attestationFromJson>;
      try {
        signed = attestationFromJson(raw);
      } catch (error) {
        const tampered = error instanceof AttestationError && error.field === 'hash';
        problems.push({
          code: tampered ? 'tampered_attestation' : 'malformed_attestation',
          message: `batch ${header.id}, seq ${seq}: ${error instanceof Error ? error.message : String(error)}`,
          ...where,
          seq,
        });
        batchOk = false;
        return;
      }
      const att = signed.attestation;
      if (toHex(att.signer) !== signer) {
        problems.push({
          code: 'wrong_signer',
          message: `batch ${header.id}, seq ${seq}: signed by ${toHex(att.signer)}`,
          ...where,
          seq,
        });
        batchOk = false;
      }
      if (att.seq.toString() !== seq) {
        problems.push({
          code: 'sequence_mismatch',
          message: `batch ${header.id}: position ${i} holds seq ${att.seq}, expected ${seq}`,
          ...where,
          seq,
        });
        batchOk = false;
      }
      if (!verifyAttestation(att, signed.signature)) {
        problems.push({
          code: 'bad_signature',
          message: `batch ${header.id}, seq ${seq}: the signature does not verify`,
          ...where,
          seq,
        });
        batchOk = false;
      }
      hashes.push(hashAttestation(att));
      prompt += BigInt(att.promptTokens);
      completion += BigInt(att.completionTokens);
      batchDays.push({
        org: att.org.toString(),
        day: Number(att.ts / DAY),
        messages: 1n,
        promptTokens: BigInt(att.promptTokens),
        completionTokens: BigInt(att.completionTokens),
      });
    });
    if (hashes.length > 0 && hashes.length === published.attestations.length) {
      const root = toHex(merkleRoot(hashes));
      const chainRoot = toHex(fromBase64(header.merkle_root));
      if (root !== chainRoot) {
        problems.push({
          code: 'merkle_mismatch',
          message: `batch ${header.id}: the published attestations rebuild root ${root}, the chain has ${chainRoot}`,
          ...where,
        });
        batchOk = false;
      }
    }
    if (prompt.toString() !== header.prompt_tokens || completion.toString() !== header.completion_tokens) {
      problems.push({
        code: 'header_sum_mismatch',
        message: `batch ${header.id}: published tokens ${prompt}/${completion}, header ${header.prompt_tokens}/${header.completion_tokens}`,
        ...where,
      });
      batchOk = false;
    }
    const registration = input.signers.get(signer);
    if (!registration) {
      problems.push({
        code: 'unregistered_signer',
        message: `batch ${header.id}: signer ${signer} is not registered on chain`,
        ...where,
      });
      batchOk = false;
    } else if (registration.revoked_at !== null && BigInt(registration.revoked_at) < BigInt(header.time)) {
      problems.push({
        code: 'revoked_signer',
        message: `batch ${header.id} was accepted after signer ${signer} was revoked`,
        ...where,
      });
      batchOk = false;
    }
    if (batchOk) {
      verified += batchDays.length;
      for (const d of batchDays) {
        const key = `${d.org}/${d.day}`;
        const sum = sums.get(key) ?? {
          org: d.org,
          day: d.day,
          messages: 0n,
          promptTokens: 0n,
          completionTokens: 0n,
        };
        sum.messages += 1n;
        sum.promptTokens += d.promptTokens;
        sum.completionTokens += d.completionTokens;
        sums.set(key, sum);
      }
    }
    totals.messages += BigInt(header.count);
    totals.promptTokens += BigInt(header.prompt_tokens);
    totals.completionTokens += BigInt(header.completion_tokens);
  }

  for (const [signer, headers] of bySigner) {
    const registration = input.signers.get(signer);
    if (registration?.mode === 'dev')
      warnings.push(`signer ${signer} is a dev key: no TEE vouches for its counts`);
    let expected = input.complete ? 1n : BigInt(headers[0]?.first_seq ?? '1');
    for (const header of [...headers].sort((a, b) => Number(BigInt(a.first_seq) - BigInt(b.first_seq)))) {
      const first = BigInt(header.first_seq);
      if (first > expected) {
        problems.push({
          code: 'sequence_gap',
          message: `signer ${signer}: seq ${expected}..${first - 1n} are in no batch`,
          signer,
          batchId: header.id,
          seq: expected.toString(),
        });
      } else if (first < expected) {
        problems.push({
          code: 'duplicate_sequence',
          message: `signer ${signer}: batch ${header.id} counts seq ${first}..${expected - 1n} again`,
          signer,
          batchId: header.id,
          seq: first.toString(),
        });
      }
      expected = BigInt(header.last_seq) + 1n;
    }
    if (input.complete && registration && BigInt(registration.last_seq) !== expected - 1n) {
      problems.push({
        code: 'last_seq_mismatch',
        message: `signer ${signer}: the contract's last sequence is ${registration.last_seq}, the batches end at ${expected - 1n}`,
        signer,
      });
    }
  }

  if (input.complete && input.totals) {
    const t = input.totals;
    const mismatch = [
      ['messages', t.messages, totals.messages],
      ['prompt_tokens', t.prompt_tokens, totals.promptTokens],
      ['completion_tokens', t.completion_tokens, totals.completionTokens],
    ].filter(([, chain, ours]) => String(chain) !== String(ours));
    for (const [field, chain, ours] of mismatch) {
      problems.push({
        code: 'totals_mismatch',
        message: `contract totals: ${field} is ${chain}, the batch headers sum to ${ours}`,
      });
    }
  }

  for (const usage of input.orgUsage ?? []) {
    const org = String(usage.org_id);
    const chainDays = new Map(usage.days.map((d) => [d.day, d.counters]));
    const ourDays = new Map([...sums.values()].filter((s) => s.org === org).map((s) => [s.day, s]));
    const days = new Set([...chainDays.keys(), ...ourDays.keys()]);
    for (const day of [...days].sort((a, b) => a - b)) {
      if (input.dayRange && (day < input.dayRange.from || day > input.dayRange.to)) continue;
      const chain = chainDays.get(day) ?? { messages: '0', prompt_tokens: '0', completion_tokens: '0' };
      const ours = ourDays.get(day) ?? { messages: 0n, promptTokens: 0n, completionTokens: 0n };
      const fields: [string, string, bigint][] = [
        ['messages', chain.messages, ours.messages],
        ['prompt_tokens', chain.prompt_tokens, ours.promptTokens],
        ['completion_tokens', chain.completion_tokens, ours.completionTokens],
      ];
      for (const [field, onChain, signed] of fields) {
        if (onChain !== signed.toString()) {
          problems.push({
            code: 'counter_mismatch',
            message: `org ${org}, day ${day} (${new Date(day * 86_400_000).toISOString().slice(0, 10)}): the contract counts ${field} ${onChain}, the signed attestations sum to ${signed}`,
            org,
            day,
          });
        }
      }
    }
  }

  return {
    ok: problems.length === 0,
    problems,
    warnings,
    batchesChecked: input.headers.length,
    attestationsVerified: verified,
    signers: [...bySigner.keys()],
    sums: [...sums.values()].sort((a, b) => (a.org === b.org ? a.day - b.day : a.org < b.org ? -1 : 1)),
  };
}
