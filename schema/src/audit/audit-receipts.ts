/**
 * The audit's receipt pass (settlement v2), called by `auditBatches`. Per receipt header on
 * chain:
 * - anyone, against the relayer's public form (`publicReceiptSchema`): the published header is
 *   the chain's, the leaf hashes number the range and rebuild the chain's root. The lines are
 *   not public (they are org usage), so the signature over them is the contract's check alone;
 * - an org's reader, against the org's share (`orgReceiptSchema`): the share's header is the
 *   chain's, each attestation is signed by the receipt's signer, sits at its sequence's place
 *   (its published leaf, its Merkle proof to the chain's root), and the org's lines equal the
 *   sums of its leaves per (bot, day) (`lineSumMismatches`, the relayer's own pre-submit check).
 * Every problem names the receipt: id, signer and sequence range.
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
import type { UsageTypes } from '@privexbot/schema/contracts';
import type { AuditProblemCode } from '@privexbot/schema/errors';
import { type OrgReceipt, type PublishedReceiptHeader, publicReceiptSchema } from '@privexbot/schema/receipt';
import { lineSumMismatches } from './verify-receipt-leaves.js';

/** A receipt header as the usage contract returns it (`receipt` / `receipts` queries). */
export type AuditReceiptHeader = UsageTypes.ReceiptHeader;

/** What the audit found of one receipt (the auditor page lists these). */
export interface AuditReceiptResult {
  id: number;
  signer: string;
  firstSeq: string;
  lastSeq: string;
  /** the receipt hash on chain, hex */
  hash: string;
  answers: string;
  lines: number;
  /** orgs whose lines were checked against the sums of their leaves; none: only the root and the count */
  orgsChecked: string[];
  ok: boolean;
  problems: AuditProblemCode[];
}

export interface ReceiptAuditProblem {
  code: AuditProblemCode;
  message: string;
  receiptId: number;
  signer: string;
  seq?: string;
  org?: string;
}

/** One org's verified attestation, for the per-day sums compared with the contract's counters. */
export interface VerifiedLeaf {
  org: string;
  attestation: Attestation;
}

/**
 * Checks one receipt. `published` is the relayer's public form (unparsed; undefined when it
 * lacks one); `orgShares` maps each audited org to its shares of receipts (the permit's orgs).
 */
export function auditReceipt(
  header: AuditReceiptHeader,
  published: unknown,
  orgShares: ReadonlyMap<string, readonly OrgReceipt[]>,
): { result: AuditReceiptResult; problems: ReceiptAuditProblem[]; leaves: VerifiedLeaf[] } {
  const signer = toHex(fromBase64(header.signer));
  const name = `receipt ${header.id} (signer ${signer}, seq ${header.first_seq}..${header.last_seq})`;
  const chainHeader = {
    signer,
    first_seq: header.first_seq,
    last_seq: header.last_seq,
    count: Number(header.answers),
    root: toHex(fromBase64(header.root)),
    receipt_hash: toHex(fromBase64(header.receipt_hash)),
    prompt_tokens: header.prompt_tokens,
    completion_tokens: header.completion_tokens,
  };
  const problems: ReceiptAuditProblem[] = [];
  const leaves: VerifiedLeaf[] = [];
  const fail = (code: AuditProblemCode, message: string, extra: { org?: string; seq?: string } = {}) =>
    problems.push({ code, message: `${name}: ${message}`, receiptId: header.id, signer, ...extra });
  const differsFromChain = (ours: PublishedReceiptHeader) =>
    (Object.keys(chainHeader) as (keyof typeof chainHeader)[]).filter(
      (field) => ours[field] !== chainHeader[field],
    );

  let hashes: string[] | undefined;
  const parsed = published === undefined ? undefined : publicReceiptSchema.safeParse(published);
  if (!parsed) fail('MISSING_RECEIPT', 'on chain but not published');
  else if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(
      'MALFORMED_PUBLICATION',
      `the publication is not a receipt header with leaf hashes (${issue?.path.join('.')}: ${issue?.message})`,
    );
  } else {
    const differs = differsFromChain(parsed.data.receipt);
    if (differs.length > 0) {
      fail(
        'RECEIPT_HEADER_MISMATCH',
        `the published header differs from the chain's in ${differs.join(', ')}`,
      );
    }
    hashes = parsed.data.attestation_hashes;
    const span = BigInt(header.last_seq) - BigInt(header.first_seq) + 1n;
    if (BigInt(hashes.length) !== span) {
      fail('RECEIPT_COUNT_MISMATCH', `${hashes.length} leaves published for ${span} numbers`);
    } else {
      const root = toHex(merkleRoot(hashes.map((hash) => fromHex(hash))));
      if (root !== chainHeader.root) {
        fail(
          'RECEIPT_ROOT_MISMATCH',
          `the published leaves rebuild root ${root}, the chain has ${chainHeader.root}`,
        );
      }
    }
  }

  const orgsChecked: string[] = [];
  for (const [org, shares] of orgShares) {
    orgsChecked.push(org);
    const share = shares.find((s) => Number(s.receipt.id) === header.id);
    // No share: the relayer has none of the org's leaves in this receipt, so it may carry no line
    // of the org; the contract's per-day counters catch a line the relayer does not admit to.
    if (!share) continue;
    const differs = differsFromChain(share.receipt);
    if (differs.length > 0) {
      fail(
        'RECEIPT_HEADER_MISMATCH',
        `org ${org}'s share names a header that differs in ${differs.join(', ')}`,
        {
          org,
        },
      );
      continue;
    }
    const accepted = verifyShareLeaves(org, share, hashes, header, (code, message, seq) =>
      fail(code, message, { org, seq }),
    );
    const claimed = share.lines.map((line) => ({
      org: BigInt(line.org),
      bot: line.bot.toLowerCase(),
      day: line.day,
      messages: BigInt(line.messages),
      promptTokens: BigInt(line.prompt_tokens),
      completionTokens: BigInt(line.completion_tokens),
    }));
    for (const line of claimed.filter((l) => l.org.toString() !== org)) {
      fail('FOREIGN_ATTESTATION', `org ${org}'s share holds a line of org ${line.org}`, { org });
    }
    const own = claimed.filter((l) => l.org.toString() === org);
    for (const message of lineSumMismatches(BigInt(org), own, accepted)) {
      fail('RECEIPT_LINE_MISMATCH', message, { org });
    }
    for (const attestation of accepted) leaves.push({ org, attestation });
  }

  return {
    result: {
      id: header.id,
      signer,
      firstSeq: header.first_seq,
      lastSeq: header.last_seq,
      hash: chainHeader.receipt_hash,
      answers: header.answers,
      lines: header.lines,
      orgsChecked,
      ok: problems.length === 0,
      problems: [...new Set(problems.map((p) => p.code))],
    },
    problems,
    leaves,
  };
}

/** The share's attestations that are the org's, signed by the receipt's signer and proven at their place. */
function verifyShareLeaves(
  org: string,
  share: OrgReceipt,
  hashes: readonly string[] | undefined,
  header: AuditReceiptHeader,
  fail: (code: AuditProblemCode, message: string, seq: string) => void,
): Attestation[] {
  const signer = toHex(fromBase64(header.signer));
  const root = fromBase64(header.root);
  const first = BigInt(header.first_seq);
  const count = BigInt(header.answers);
  const accepted: Attestation[] = [];
  const seen = new Set<bigint>();
  for (const entry of share.attestations) {
    const seq = (first + BigInt(entry.index)).toString();
    let signed: ReturnType<typeof attestationFromJson>;
    try {
      signed = attestationFromJson(entry.attestation);
    } catch (error) {
      // as the batch pass: a hash that no longer matches its fields is an edit, not a bad shape
      const tampered = error instanceof AttestationError && error.field === 'hash';
      fail(
        tampered ? 'TAMPERED_ATTESTATION' : 'MALFORMED_ATTESTATION',
        `seq ${seq}: ${(error as Error).message}`,
        seq,
      );
      continue;
    }
    const att = signed.attestation;
    const problems: [AuditProblemCode, string][] = [];
    if (att.org.toString() !== org)
      problems.push(['FOREIGN_ATTESTATION', `belongs to org ${att.org}, not ${org}`]);
    if (toHex(att.signer) !== signer) problems.push(['WRONG_SIGNER', `signed by ${toHex(att.signer)}`]);
    if (BigInt(entry.index) >= count || att.seq.toString() !== seq)
      problems.push(['SEQUENCE_MISMATCH', `position ${entry.index} holds seq ${att.seq}`]);
    if (seen.has(att.seq)) problems.push(['DUPLICATE_ATTESTATION', 'handed over twice']);
    seen.add(att.seq);
    if (!verifyAttestation(att, signed.signature))
      problems.push(['BAD_SIGNATURE', 'the signature does not verify']);
    const leaf = hashAttestation(att);
    const published = hashes?.[entry.index];
    if (published !== undefined && published !== toHex(leaf))
      problems.push(['RECEIPT_FOREIGN_LEAF', 'is not the leaf published at its place']);
    let proven = false;
    try {
      proven = verifyMerkleProof(leaf, merkleProofFromJson(entry.proof), root);
    } catch {
      proven = false;
    }
    if (!proven) problems.push(['PROOF_MISMATCH', "its Merkle proof does not reach the chain's root"]);
    for (const [code, message] of problems) fail(code, `seq ${seq} ${message}`, seq);
    if (problems.length === 0) accepted.push(att);
  }
  return accepted;
}

/** Receipts of a signer and its batches share one sequence: the entries the sequence check walks. */
export function receiptSettlement(header: AuditReceiptHeader) {
  return {
    kind: 'receipt' as const,
    id: header.id,
    signer: toHex(fromBase64(header.signer)),
    firstSeq: BigInt(header.first_seq),
    lastSeq: BigInt(header.last_seq),
    count: BigInt(header.answers),
    promptTokens: BigInt(header.prompt_tokens),
    completionTokens: BigInt(header.completion_tokens),
    time: header.time,
  };
}
