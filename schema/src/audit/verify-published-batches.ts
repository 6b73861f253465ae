/**
 * The audit: does what the chain counted equal what the gateways signed? Browser-safe (no
 * node: imports, no I/O): the audit CLI (scripts/audit) and the dapp's auditor page gather
 * the inputs with `collect-audit-input.ts` and call `auditBatches`. Import it as
 * `@privexbot/schema/audit`.
 *
 * Two levels. Anyone: each batch header on chain against the relayer's public publication
 * (attestation hashes only): the hashes rebuild the header's Merkle root and number its count,
 * sequences run without gap or repeat, the headers sum to the contract's totals, every signer
 * is registered, not revoked, and of which mode. An org's reader (owner, admin, auditor): each
 * of the org's attestations, as the relayer hands them over to a proven role, is signed by its
 * batch's signer, sits at its sequence's place, and is proven under the chain's root by its
 * Merkle proof; their sums per UTC day must equal the contract's private counters.
 */
import { fromBase64, fromHex, toHex } from '@cosmjs/encoding';
import {
  AttestationError,
  attestationFromJson,
  hashAttestation,
  merkleProofFromJson,
  merkleRoot,
  verifyAttestation,
  verifyMerkleProof,
} from '@privexbot/schema/attestation';
import type { AuditProblemCode } from '@privexbot/schema/errors';

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

/** What the relayer publishes for anyone (`GET /batches/:id`, or `batches/<id>.json`). */
export interface AuditPublishedBatch {
  batch?: { id?: string; signer?: string; first_seq?: string; count?: number };
  /** attestation hashes in sequence order, lowercase hex */
  attestation_hashes: unknown[];
}

/** An org's attestations in one batch, as the relayer gives them to a proven reader. */
export interface AuditOrgBatch {
  batch: { id: string };
  attestations: { index: number; attestation: unknown; proof: unknown }[];
}

/** An org's counters per UTC day as the contract returns them (`org_usage`). */
export interface AuditOrgUsage {
  org_id: number | string;
  days: { day: number; counters: { messages: string; prompt_tokens: string; completion_tokens: string } }[];
}

export interface AuditInput {
  headers: readonly AuditBatchHeader[];
  /** Public contents by batch id; a missing id means the publication does not have it. */
  published: ReadonlyMap<number, AuditPublishedBatch>;
  /** Signer registrations by hex public key; a missing key means the contract does not know it. */
  signers: ReadonlyMap<string, AuditSignerRecord | undefined>;
  /** True when `headers` are every batch on chain: then sequences must start at 1 and totals must match. */
  complete: boolean;
  /** Public totals of the contract (`totals`), checked when `complete`. */
  totals?: { messages: string; prompt_tokens: string; completion_tokens: string };
  /** Per org id: its attestations with proofs, from the relayer's private route. */
  orgAttestations?: ReadonlyMap<string, readonly AuditOrgBatch[]>;
  /** Private per-org counters, read with a permit; the org's attestations must sum to them day by day. */
  orgUsage?: readonly AuditOrgUsage[];
  /** First and last day covered by `orgUsage` (the contract returns only days with usage). */
  dayRange?: { from: number; to: number };
  /**
   * Development only: count batches of `dev` signers (keys no TEE vouches for) as passing.
   * Without it an audit that meets one fails with `DEV_SIGNER`.
   */
  allowDevSigners?: boolean;
}

export type { AuditProblemCode } from '@privexbot/schema/errors';

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

/** Each signer met in the audited batches, with the mode the contract registered (or none). */
export interface AuditSignerMode {
  signer: string;
  mode: 'tee' | 'dev' | 'unregistered';
  batches: number;
}

export interface AuditReport {
  ok: boolean;
  /** True when the audit was told to let `dev` signers pass: say so first in any report. */
  devSignersAllowed: boolean;
  problems: AuditProblem[];
  /** Notes that are not failures (e.g. dev signers allowed for development). */
  warnings: string[];
  batchesChecked: number;
  /** Attestation hashes checked against the chain's roots (public). */
  leavesChecked: number;
  /** An org's attestations whose signature and inclusion proof were verified. */
  attestationsVerified: number;
  signers: string[];
  signerModes: AuditSignerMode[];
  /** Sums of the verified attestations per org and UTC day. */
  sums: DaySums[];
}

const DAY = 86_400n;
const HASH_HEX = /^[0-9a-f]{64}$/;

export function auditBatches(input: AuditInput): AuditReport {
  const problems: AuditProblem[] = [];
  const warnings: string[] = [];
  const bySigner = new Map<string, AuditBatchHeader[]>();
  const headerById = new Map<number, AuditBatchHeader>();
  let leaves = 0;

  for (const header of [...input.headers].sort((a, b) => a.id - b.id)) {
    headerById.set(header.id, header);
    const signer = toHex(fromBase64(header.signer));
    const list = bySigner.get(signer) ?? [];
    list.push(header);
    bySigner.set(signer, list);
    const where = { batchId: header.id, signer };
    const registration = input.signers.get(signer);
    if (!registration) {
      problems.push({
        code: 'UNREGISTERED_SIGNER',
        message: `batch ${header.id}: signer ${signer} is not registered on chain`,
        ...where,
      });
    } else if (registration.revoked_at !== null && BigInt(registration.revoked_at) < BigInt(header.time)) {
      problems.push({
        code: 'REVOKED_SIGNER',
        message: `batch ${header.id} was accepted after signer ${signer} was revoked`,
        ...where,
      });
    }
    const published = input.published.get(header.id);
    if (!published) {
      problems.push({
        code: 'MISSING_BATCH',
        message: `batch ${header.id} is on chain but not published`,
        ...where,
      });
      continue;
    }
    const hashes = published.attestation_hashes;
    if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === 'string' && HASH_HEX.test(h))) {
      problems.push({
        code: 'MALFORMED_PUBLICATION',
        message: `batch ${header.id}: the publication's attestation_hashes are not 32-byte hex hashes`,
        ...where,
      });
      continue;
    }
    if (hashes.length !== header.count) {
      problems.push({
        code: 'PUBLICATION_MISMATCH',
        message: `batch ${header.id}: the chain counted ${header.count} attestations, the publication has ${hashes.length}`,
        ...where,
      });
    }
    if (hashes.length > 0) {
      const root = toHex(merkleRoot(hashes.map((h) => fromHex(h as string))));
      const chainRoot = toHex(fromBase64(header.merkle_root));
      if (root !== chainRoot) {
        problems.push({
          code: 'MERKLE_MISMATCH',
          message: `batch ${header.id}: the published hashes rebuild root ${root}, the chain has ${chainRoot}`,
          ...where,
        });
      } else leaves += hashes.length;
    }
  }

  const signerModes: AuditSignerMode[] = [];
  const totals = { messages: 0n, promptTokens: 0n, completionTokens: 0n };
  for (const [signer, headers] of bySigner) {
    const registration = input.signers.get(signer);
    signerModes.push({ signer, mode: registration?.mode ?? 'unregistered', batches: headers.length });
    if (registration?.mode === 'dev') {
      if (input.allowDevSigners) {
        warnings.push(
          `signer ${signer} is a dev key: its ${headers.length} batch(es) were counted with no TEE behind them (allowed for development)`,
        );
      } else {
        problems.push({
          code: 'DEV_SIGNER',
          message: `signer ${signer} is a dev key: ${headers.length} counted batch(es) have no TEE behind them (allow only in development)`,
          signer,
        });
      }
    }
    let expected = input.complete ? 1n : BigInt(headers[0]?.first_seq ?? '1');
    for (const header of [...headers].sort((a, b) => Number(BigInt(a.first_seq) - BigInt(b.first_seq)))) {
      totals.messages += BigInt(header.count);
      totals.promptTokens += BigInt(header.prompt_tokens);
      totals.completionTokens += BigInt(header.completion_tokens);
      const first = BigInt(header.first_seq);
      if (first > expected) {
        problems.push({
          code: 'SEQUENCE_GAP',
          message: `signer ${signer}: seq ${expected}..${first - 1n} are in no batch`,
          signer,
          batchId: header.id,
          seq: expected.toString(),
        });
      } else if (first < expected) {
        problems.push({
          code: 'DUPLICATE_SEQUENCE',
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
        code: 'LAST_SEQ_MISMATCH',
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
        code: 'TOTALS_MISMATCH',
        message: `contract totals: ${field} is ${chain}, the batch headers sum to ${ours}`,
      });
    }
  }

  const sums = new Map<string, DaySums>();
  let verified = 0;
  for (const [org, batches] of input.orgAttestations ?? []) {
    verified += verifyOrgAttestations(org, batches, headerById, problems, sums);
  }
  compareOrgCounters(input, sums, problems);

  return {
    ok: problems.length === 0,
    devSignersAllowed: input.allowDevSigners === true,
    problems,
    warnings,
    batchesChecked: input.headers.length,
    leavesChecked: leaves,
    attestationsVerified: verified,
    signers: [...bySigner.keys()],
    signerModes,
    sums: [...sums.values()].sort((a, b) => (a.org === b.org ? a.day - b.day : a.org < b.org ? -1 : 1)),
  };
}

/** Checks one org's attestations and adds the good ones to `sums`; returns how many passed. */
function verifyOrgAttestations(
  org: string,
  batches: readonly AuditOrgBatch[],
  headerById: ReadonlyMap<number, AuditBatchHeader>,
  problems: AuditProblem[],
  sums: Map<string, DaySums>,
): number {
  let verified = 0;
  const seen = new Set<string>();
  for (const orgBatch of batches) {
    const batchId = Number(orgBatch.batch?.id);
    const header = headerById.get(batchId);
    if (!header) {
      problems.push({
        code: 'UNKNOWN_BATCH',
        message: `org ${org}: the relayer proves attestations under batch ${orgBatch.batch?.id}, which is not on chain`,
        org,
      });
      continue;
    }
    const signer = toHex(fromBase64(header.signer));
    const root = fromBase64(header.merkle_root);
    const first = BigInt(header.first_seq);
    for (const entry of orgBatch.attestations ?? []) {
      const index = Number(entry?.index);
      const seq = Number.isInteger(index) ? (first + BigInt(index)).toString() : '?';
      const where = { batchId, signer, seq, org };
      const fail = (code: AuditProblemCode, message: string) =>
        problems.push({ code, message: `batch ${batchId}, seq ${seq}: ${message}`, ...where });
      let signed: ReturnType<typeof attestationFromJson>;
      try {
        signed = attestationFromJson(entry?.attestation);
      } catch (error) {
        const tampered = error instanceof AttestationError && error.field === 'hash';
        fail(tampered ? 'TAMPERED_ATTESTATION' : 'MALFORMED_ATTESTATION', (error as Error).message);
        continue;
      }
      const att = signed.attestation;
      const key = `${toHex(att.signer)}/${att.seq}`;
      let ok = true;
      if (att.org.toString() !== org) {
        fail('FOREIGN_ATTESTATION', `belongs to org ${att.org}, not ${org}`);
        ok = false;
      }
      if (toHex(att.signer) !== signer) {
        fail('WRONG_SIGNER', `signed by ${toHex(att.signer)}, the batch by ${signer}`);
        ok = false;
      }
      if (!Number.isInteger(index) || index < 0 || index >= header.count || att.seq.toString() !== seq) {
        fail('SEQUENCE_MISMATCH', `position ${entry?.index} holds seq ${att.seq}`);
        ok = false;
      }
      if (seen.has(key)) {
        fail('DUPLICATE_ATTESTATION', 'handed over twice');
        ok = false;
      }
      seen.add(key);
      if (!verifyAttestation(att, signed.signature)) {
        fail('BAD_SIGNATURE', 'the signature does not verify');
        ok = false;
      }
      let proven = false;
      try {
        proven = verifyMerkleProof(hashAttestation(att), merkleProofFromJson(entry?.proof), root);
      } catch {
        proven = false;
      }
      if (!proven) {
        fail('PROOF_MISMATCH', "its Merkle proof does not reach the chain's root");
        ok = false;
      }
      if (!ok) continue;
      verified++;
      const day = Number(att.ts / DAY);
      const sumKey = `${org}/${day}`;
      const sum = sums.get(sumKey) ?? { org, day, messages: 0n, promptTokens: 0n, completionTokens: 0n };
      sum.messages += 1n;
      sum.promptTokens += BigInt(att.promptTokens);
      sum.completionTokens += BigInt(att.completionTokens);
      sums.set(sumKey, sum);
    }
  }
  return verified;
}

function compareOrgCounters(input: AuditInput, sums: ReadonlyMap<string, DaySums>, problems: AuditProblem[]) {
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
            code: 'COUNTER_MISMATCH',
            message: `org ${org}, day ${day} (${new Date(day * 86_400_000).toISOString().slice(0, 10)}): the contract counts ${field} ${onChain}, the signed attestations sum to ${signed}`,
            org,
            day,
          });
        }
      }
    }
  }
}

/**
 * The line every report starts with when dev signers were allowed, so that a development audit
 * is never read as a production one; undefined otherwise.
 */
export function devSignerNotice(report: AuditReport): string | undefined {
  if (!report.devSignersAllowed) return undefined;
  const dev = report.signerModes.filter((s) => s.mode === 'dev');
  const batches = dev.reduce((n, s) => n + s.batches, 0);
  return `DEV SIGNERS ALLOWED (development only): ${batches} batch(es) of ${dev.length} dev signer(s) were counted with no TEE behind them`;
}
