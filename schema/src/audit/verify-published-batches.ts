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
  type Attestation,
  AttestationError,
  attestationFromJson,
  hashAttestation,
  merkleProofFromJson,
  merkleRoot,
  verifyAttestation,
  verifyMerkleProof,
} from '@privexbot/schema/attestation';
import type { AuditProblemCode } from '@privexbot/schema/errors';
import type { OrgReceipt } from '@privexbot/schema/receipt';
import {
  type AuditReceiptHeader,
  type AuditReceiptResult,
  auditReceipt,
  receiptSettlement,
} from './audit-receipts.js';

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
  /** Receipt headers on chain (settlement v2); absent on a contract without receipts. */
  receipts?: readonly AuditReceiptHeader[];
  /** The relayer's public publication of each receipt by id (`publishedReceiptSchema`, unparsed). */
  publishedReceipts?: ReadonlyMap<number, unknown>;
  /** Per org id: its attestations per receipt, from the relayer's private route. */
  orgReceipts?: ReadonlyMap<string, readonly OrgReceipt[]>;
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
  receiptId?: number;
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
  receipts: number;
}

export interface AuditReport {
  ok: boolean;
  /** True when the audit was told to let `dev` signers pass: say so first in any report. */
  devSignersAllowed: boolean;
  problems: AuditProblem[];
  /** Notes that are not failures (e.g. dev signers allowed for development). */
  warnings: string[];
  batchesChecked: number;
  receiptsChecked: number;
  /** Each receipt with its verdict and the problem codes that name it. */
  receipts: AuditReceiptResult[];
  /** What the audit could not check with the inputs it had (not failures). */
  unchecked: string[];
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

/** A batch (v1) or a receipt (v2): both settle a range of one signer's single sequence. */
interface Settlement {
  kind: 'batch' | 'receipt';
  id: number;
  signer: string;
  firstSeq: bigint;
  lastSeq: bigint;
  count: bigint;
  promptTokens: bigint;
  completionTokens: bigint;
  time: string;
}

const batchSettlement = (header: AuditBatchHeader): Settlement => ({
  kind: 'batch',
  id: header.id,
  signer: toHex(fromBase64(header.signer)),
  firstSeq: BigInt(header.first_seq),
  lastSeq: BigInt(header.last_seq),
  count: BigInt(header.count),
  promptTokens: BigInt(header.prompt_tokens),
  completionTokens: BigInt(header.completion_tokens),
  time: header.time,
});

const whereOf = (s: Settlement) =>
  s.kind === 'batch' ? { batchId: s.id, signer: s.signer } : { receiptId: s.id, signer: s.signer };

export function auditBatches(input: AuditInput): AuditReport {
  const problems: AuditProblem[] = [];
  const warnings: string[] = [];
  const unchecked: string[] = [];
  const bySigner = new Map<string, Settlement[]>();
  const headerById = new Map<number, AuditBatchHeader>();
  let leaves = 0;

  const settlements = [
    ...[...input.headers].sort((a, b) => a.id - b.id).map(batchSettlement),
    ...[...(input.receipts ?? [])].sort((a, b) => a.id - b.id).map(receiptSettlement),
  ];
  for (const settlement of settlements) {
    const { signer } = settlement;
    const list = bySigner.get(signer) ?? [];
    list.push(settlement);
    bySigner.set(signer, list);
    const registration = input.signers.get(signer);
    if (!registration) {
      problems.push({
        code: 'UNREGISTERED_SIGNER',
        message: `${settlement.kind} ${settlement.id}: signer ${signer} is not registered on chain`,
        ...whereOf(settlement),
      });
    } else if (
      registration.revoked_at !== null &&
      BigInt(registration.revoked_at) < BigInt(settlement.time)
    ) {
      problems.push({
        code: 'REVOKED_SIGNER',
        message: `${settlement.kind} ${settlement.id} was accepted after signer ${signer} was revoked`,
        ...whereOf(settlement),
      });
    }
  }

  for (const header of [...input.headers].sort((a, b) => a.id - b.id)) {
    headerById.set(header.id, header);
    const signer = toHex(fromBase64(header.signer));
    const where = { batchId: header.id, signer };
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

  const sums = new Map<string, DaySums>();
  const receiptResults: AuditReceiptResult[] = [];
  let receiptLeavesVerified = 0;
  const orgReceipts = input.orgReceipts ?? new Map<string, readonly OrgReceipt[]>();
  for (const header of [...(input.receipts ?? [])].sort((a, b) => a.id - b.id)) {
    const checked = auditReceipt(header, input.publishedReceipts?.get(header.id), orgReceipts);
    receiptResults.push(checked.result);
    problems.push(...checked.problems);
    if (checked.result.ok) leaves += Number(header.answers);
    for (const { org, attestation } of checked.leaves) addToSums(sums, org, attestation);
    receiptLeavesVerified += checked.leaves.length;
  }
  const receiptIds = new Set(receiptResults.map((r) => r.id));
  for (const [org, receipts] of orgReceipts) {
    for (const receipt of receipts) {
      if (!receiptIds.has(Number(receipt.receipt.id))) {
        problems.push({
          code: 'UNKNOWN_RECEIPT',
          message: `org ${org}: the relayer hands over attestations under receipt ${receipt.receipt.id}, which is not on chain`,
          org,
        });
      }
    }
  }
  if (receiptResults.length > 0 && orgReceipts.size === 0) {
    unchecked.push(
      `${receiptResults.length} receipt(s): each header was checked against its publication, the root over the published leaves and their count (the contract checked the signature and that the lines' messages number the range); whether each line equals the sum of its leaves needs an org's permit (lines are org usage, not public)`,
    );
  }

  const signerModes: AuditSignerMode[] = [];
  const totals = { messages: 0n, promptTokens: 0n, completionTokens: 0n };
  for (const [signer, entries] of bySigner) {
    const registration = input.signers.get(signer);
    const batches = entries.filter((e) => e.kind === 'batch').length;
    const receipts = entries.length - batches;
    signerModes.push({ signer, mode: registration?.mode ?? 'unregistered', batches, receipts });
    const andReceipts = receipts === 0 ? '' : ` and ${receipts} receipt(s)`;
    if (registration?.mode === 'dev') {
      if (input.allowDevSigners) {
        warnings.push(
          `signer ${signer} is a dev key: its ${batches} batch(es)${andReceipts} were counted with no TEE behind them (allowed for development)`,
        );
      } else {
        problems.push({
          code: 'DEV_SIGNER',
          message: `signer ${signer} is a dev key: ${batches} counted batch(es)${andReceipts} have no TEE behind them (allow only in development)`,
          signer,
        });
      }
    }
    const ordered = [...entries].sort((a, b) =>
      a.firstSeq < b.firstSeq ? -1 : a.firstSeq > b.firstSeq ? 1 : 0,
    );
    let expected = input.complete ? 1n : (ordered[0]?.firstSeq ?? 1n);
    for (const entry of ordered) {
      totals.messages += entry.count;
      totals.promptTokens += entry.promptTokens;
      totals.completionTokens += entry.completionTokens;
      const first = entry.firstSeq;
      if (first > expected) {
        problems.push({
          code: 'SEQUENCE_GAP',
          message: `signer ${signer}: seq ${expected}..${first - 1n} are in no batch or receipt`,
          ...whereOf(entry),
          seq: expected.toString(),
        });
      } else if (first < expected) {
        problems.push({
          code: 'DUPLICATE_SEQUENCE',
          message: `signer ${signer}: ${entry.kind} ${entry.id} counts seq ${first}..${expected - 1n} again`,
          ...whereOf(entry),
          seq: first.toString(),
        });
      }
      expected = entry.lastSeq + 1n;
    }
    if (input.complete && registration && BigInt(registration.last_seq) !== expected - 1n) {
      problems.push({
        code: 'LAST_SEQ_MISMATCH',
        message: `signer ${signer}: the contract's last sequence is ${registration.last_seq}, the batches and receipts end at ${expected - 1n}`,
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
        message: `contract totals: ${field} is ${chain}, the batch and receipt headers sum to ${ours}`,
      });
    }
  }

  let verified = receiptLeavesVerified;
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
    receiptsChecked: receiptResults.length,
    receipts: receiptResults,
    unchecked,
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
      addToSums(sums, org, att);
    }
  }
  return verified;
}

function addToSums(sums: Map<string, DaySums>, org: string, att: Attestation): void {
  const day = Number(att.ts / DAY);
  const sumKey = `${org}/${day}`;
  const sum = sums.get(sumKey) ?? { org, day, messages: 0n, promptTokens: 0n, completionTokens: 0n };
  sum.messages += 1n;
  sum.promptTokens += BigInt(att.promptTokens);
  sum.completionTokens += BigInt(att.completionTokens);
  sums.set(sumKey, sum);
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
  const receipts = dev.reduce((n, s) => n + s.receipts, 0);
  const counted = receipts === 0 ? `${batches} batch(es)` : `${batches} batch(es) and ${receipts} receipt(s)`;
  return `DEV SIGNERS ALLOWED (development only): ${counted} of ${dev.length} dev signer(s) were counted with no TEE behind them`;
}
