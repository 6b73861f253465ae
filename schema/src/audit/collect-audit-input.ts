/**
 * Gathers what `auditBatches` checks, for the audit CLI (scripts/audit) and the dapp's auditor
 * page alike: batch and receipt headers, signers and totals from the usage contract; each
 * batch's and receipt's attestation hashes from the relayer's public publication; with a permit
 * of an org's owner, admin or auditor, the org's share of each batch and receipt (attestations
 * with Merkle proofs; per receipt the org's lines) from the relayer's private route
 * (`POST /orgs/:org/attestations`, which checks the permit on chain) and its private per-day
 * counters. Browser-safe: the caller hands in how to query the contract and how to fetch.
 */
import { fromBase64, toHex } from '@cosmjs/encoding';
import type { UsageTypes } from '@privexbot/schema/contracts';
import { type OrgReceipt, orgReceiptSchema } from '@privexbot/schema/receipt';
import { z } from 'zod';
import type { QueryPermit } from '../chain/chain-client.js';
import type { AuditReceiptHeader } from './audit-receipts.js';
import type {
  AuditBatchHeader,
  AuditInput,
  AuditOrgBatch,
  AuditOrgUsage,
  AuditPublishedBatch,
  AuditSignerRecord,
} from './verify-published-batches.js';

/** The audit could not get its inputs (as opposed to finding a mismatch). */
export class AuditInputError extends Error {
  override readonly name = 'AuditInputError';
  /** the relayer's error code when it refused (`PERMIT_REVOKED`, `PERMIT_REFUSED`, …) */
  readonly code: string | undefined;
  constructor(message: string, options: { code?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.code = options.code;
  }
}

/** Where the audit reads: the usage contract and the relayer's publication. */
export interface AuditSources {
  /** a smart query of the usage contract */
  queryUsage<T>(msg: Record<string, unknown>): Promise<T>;
  /** true when the `signer` query failed because the contract does not know the signer: a finding, not a failure */
  isUnknownSigner(error: unknown): boolean;
  /** one batch of the relayer's public publication; undefined when the publication lacks it */
  publishedBatch(id: number): Promise<AuditPublishedBatch | undefined>;
  /** one receipt of the relayer's public publication (unparsed JSON); undefined when it lacks it */
  publishedReceipt(id: number): Promise<unknown>;
}

/** Headers, publication, signers and totals: what anyone can check. */
export async function collectPublicAuditInput(
  sources: AuditSources,
  options: { allowDevSigners?: boolean } = {},
): Promise<AuditInput> {
  const headers = await fetchAllHeaders(sources);
  const published = new Map<number, AuditPublishedBatch>();
  for (const header of headers) {
    const batch = await sources.publishedBatch(header.id);
    if (batch) published.set(header.id, batch);
  }
  const signers = new Map<string, AuditSignerRecord | undefined>();
  for (const header of headers) {
    const hex = toHex(fromBase64(header.signer));
    if (!signers.has(hex)) signers.set(hex, await fetchSigner(sources, header.signer));
  }
  const totals = await sources.queryUsage<
    Omit<UsageTypes.TotalsResponse, 'receipts'> & { receipts?: number }
  >({ totals: {} });
  // A contract from before settlement v2 has no receipts (its totals do not count them).
  const receipts = totals.receipts === undefined ? [] : await fetchAllReceipts(sources, totals.receipts);
  const publishedReceipts = new Map<number, unknown>();
  for (const header of receipts) {
    const receipt = await sources.publishedReceipt(header.id);
    if (receipt !== undefined) publishedReceipts.set(header.id, receipt);
  }
  for (const header of receipts) {
    const hex = toHex(fromBase64(header.signer));
    if (!signers.has(hex)) signers.set(hex, await fetchSigner(sources, header.signer));
  }
  return {
    headers,
    published,
    receipts,
    publishedReceipts,
    signers,
    complete: true,
    totals: totals.counters,
    allowDevSigners: options.allowDevSigners === true,
  };
}

export interface CollectOrgAuditInputOptions {
  orgs: readonly string[];
  permit: QueryPermit;
  /** the relayer's HTTP base URL */
  relayerUrl: string;
  fetch?: typeof fetch;
  /** first and last UTC day to compare; by default the days the org's attestations span */
  fromDay?: number | undefined;
  toDay?: number | undefined;
}

/** The orgs' attestations with proofs and their private counters, read with `permit`. */
export async function collectOrgAuditInput(
  sources: AuditSources,
  headers: readonly AuditBatchHeader[],
  options: CollectOrgAuditInputOptions,
  receipts: readonly AuditReceiptHeader[] = [],
): Promise<Required<Pick<AuditInput, 'orgAttestations' | 'orgReceipts' | 'orgUsage' | 'dayRange'>>> {
  const orgAttestations = new Map<string, AuditOrgBatch[]>();
  const orgReceipts = new Map<string, OrgReceipt[]>();
  for (const org of options.orgs) {
    // With no batch or receipt on chain there is nothing to ask the relayer for.
    const shares =
      headers.length === 0 && receipts.length === 0
        ? { batches: [], receipts: [] }
        : await fetchOrgShares(options.relayerUrl, org, { permit: options.permit }, options.fetch);
    orgAttestations.set(org, shares.batches);
    orgReceipts.set(org, shares.receipts);
  }
  const days = [
    ...[...orgAttestations.values()].flat().flatMap((b) => b.attestations),
    ...[...orgReceipts.values()].flat().flatMap((r) => r.attestations),
  ].map((e) => Number(BigInt((e.attestation as { ts?: string }).ts ?? '0') / 86_400n));
  const fromDay = options.fromDay ?? (days.length ? Math.min(...days) : 0);
  const toDay = options.toDay ?? (days.length ? Math.max(...days) : 0);
  const orgUsage: AuditOrgUsage[] = [];
  for (const org of options.orgs) {
    orgUsage.push(await fetchOrgUsage(sources, org, options.permit, fromDay, toDay));
  }
  return { orgAttestations, orgReceipts, orgUsage, dayRange: { from: fromDay, to: toDay } };
}

/** The first `count` receipt headers on chain, in id order (the paged `receipts` query). */
async function fetchAllReceipts(sources: AuditSources, count: number): Promise<AuditReceiptHeader[]> {
  const receipts: AuditReceiptHeader[] = [];
  while (receipts.length < count) {
    const page = await sources.queryUsage<UsageTypes.ReceiptsResponse>({
      receipts: { start: receipts.length, limit: Math.min(100, count - receipts.length) },
    });
    if (page.receipts.length === 0) break;
    receipts.push(...page.receipts);
  }
  return receipts;
}

/** Every batch header on chain, in id order. */
async function fetchAllHeaders(sources: AuditSources): Promise<AuditBatchHeader[]> {
  const headers: AuditBatchHeader[] = [];
  for (;;) {
    const page = await sources.queryUsage<{ batches: AuditBatchHeader[]; total: number }>({
      batches: { start: headers.length, limit: 100 },
    });
    headers.push(...page.batches);
    if (page.batches.length === 0 || headers.length >= Number(page.total)) return headers;
  }
}

async function fetchSigner(sources: AuditSources, pubkey: string): Promise<AuditSignerRecord | undefined> {
  try {
    return await sources.queryUsage<AuditSignerRecord>({ signer: { pubkey } });
  } catch (error) {
    if (sources.isUnknownSigner(error)) return undefined;
    throw error;
  }
}

const MAX_DAY_SPAN = 366;

/** An org's counters per day with a permit, in spans of at most 366 days (the contract's limit). */
async function fetchOrgUsage(
  sources: AuditSources,
  org: string,
  permit: QueryPermit,
  fromDay: number,
  toDay: number,
): Promise<AuditOrgUsage> {
  const days: AuditOrgUsage['days'] = [];
  for (let start = fromDay; start <= toDay; start += MAX_DAY_SPAN) {
    const end = Math.min(toDay, start + MAX_DAY_SPAN - 1);
    const page = await sources.queryUsage<AuditOrgUsage>({
      org_usage: { org_id: Number(org), from_day: start, to_day: end, auth: { permit } },
    });
    days.push(...page.days);
  }
  return { org_id: org, days };
}

/** One batch of the relayer's publication over HTTP (`GET /batches/:id`); undefined on 404. */
export async function fetchPublishedBatch(
  baseUrl: string,
  id: number,
  fetchFn: typeof fetch = globalThis.fetch,
): Promise<AuditPublishedBatch | undefined> {
  const url = `${baseUrl.replace(/\/+$/, '')}/batches/${id}`;
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' } });
  } catch (cause) {
    throw new AuditInputError(`the publication at ${baseUrl} is unreachable (${(cause as Error).message})`, {
      cause,
    });
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new AuditInputError(`${url} answered HTTP ${response.status}`);
  return parsePublishedBatch(await response.text(), url);
}

/**
 * One receipt of the relayer's publication over HTTP (`GET /receipts/:id`), as JSON; undefined
 * on 404. Its shape is checked by the audit (a malformed one is a finding, not a failure to run).
 */
export async function fetchPublishedReceipt(
  baseUrl: string,
  id: number,
  fetchFn: typeof fetch = globalThis.fetch,
): Promise<unknown> {
  const url = `${baseUrl.replace(/\/+$/, '')}/receipts/${id}`;
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' } });
  } catch (cause) {
    throw new AuditInputError(`the publication at ${baseUrl} is unreachable (${(cause as Error).message})`, {
      cause,
    });
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new AuditInputError(`${url} answered HTTP ${response.status}`);
  return parsePublishedReceipt(await response.text(), url);
}

/** A published receipt's JSON text (`receipts/<id>.json`); the audit checks its shape. */
export function parsePublishedReceipt(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AuditInputError(`${where} is not JSON`);
  }
}

/** A published batch's JSON (`batches/<id>.json`), checked for its attestation hashes. */
export function parsePublishedBatch(text: string, where: string): AuditPublishedBatch {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AuditInputError(`${where} is not JSON`);
  }
  const hashes = (body as { attestation_hashes?: unknown })?.attestation_hashes;
  if (!Array.isArray(hashes)) throw new AuditInputError(`${where} has no attestation_hashes array`);
  return body as AuditPublishedBatch;
}

/**
 * Every attestation of `org` with its Merkle proof, from the relayer's private route. A
 * refusal stops the audit with the relayer's code and reason.
 */
export async function fetchOrgAttestations(
  relayerUrl: string,
  org: string,
  auth: { permit: QueryPermit },
  fetchFn: typeof fetch = globalThis.fetch,
): Promise<AuditOrgBatch[]> {
  return (await fetchOrgShares(relayerUrl, org, auth, fetchFn)).batches;
}

// A relayer without settlement v2 answers no `receipts`.
const orgReceiptsField = z.array(orgReceiptSchema).optional();

/**
 * The org's share of every batch and receipt from the relayer's private route
 * (`POST /orgs/:org/attestations`, batches paged by `next_after`, receipts by
 * `next_receipts_after`): per batch its attestations with
 * proofs, per receipt (`orgReceiptSchema`) the org's lines and its attestations with proofs.
 */
export async function fetchOrgShares(
  relayerUrl: string,
  org: string,
  auth: { permit: QueryPermit },
  fetchFn: typeof fetch = globalThis.fetch,
): Promise<{ batches: AuditOrgBatch[]; receipts: OrgReceipt[] }> {
  if (!/^https?:\/\//.test(relayerUrl)) {
    throw new AuditInputError('an org audit reads the relayer over HTTP: its address must be a URL');
  }
  const url = `${relayerUrl.replace(/\/+$/, '')}/orgs/${org}/attestations`;
  const batches: AuditOrgBatch[] = [];
  const receipts: OrgReceipt[] = [];
  // Batches and receipts page on their own cursors; one that is done stays at its last id, so
  // the pages of the other never repeat it.
  let after: string | null = null;
  let receiptsAfter: string | null = null;
  let more = true;
  while (more) {
    let response: Response;
    try {
      response = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          auth,
          ...(after ? { after } : {}),
          ...(receiptsAfter ? { receipts_after: receiptsAfter } : {}),
        }),
      });
    } catch (cause) {
      throw new AuditInputError(`the relayer at ${relayerUrl} is unreachable (${(cause as Error).message})`, {
        cause,
      });
    }
    const body = (await response.json().catch(() => undefined)) as
      | {
          batches?: AuditOrgBatch[];
          receipts?: unknown;
          next_after?: string | null;
          next_receipts_after?: string | null;
          error?: { code: string; message: string };
        }
      | undefined;
    if (!response.ok) {
      const reason = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
      throw new AuditInputError(`the relayer refused org ${org}'s attestations (${reason})`, {
        code: body?.error?.code,
      });
    }
    if (!Array.isArray(body?.batches)) throw new AuditInputError(`${url} answered without a batches array`);
    const shares = orgReceiptsField.safeParse(body.receipts);
    if (!shares.success) {
      const issue = shares.error.issues[0];
      throw new AuditInputError(
        `${url} answered receipts that are not org shares (${issue?.path.join('.')}: ${issue?.message})`,
      );
    }
    batches.push(...body.batches);
    receipts.push(...(shares.data ?? []));
    more = Boolean(body.next_after) || Boolean(body.next_receipts_after);
    after = body.next_after ?? batches.at(-1)?.batch.id ?? null;
    receiptsAfter = body.next_receipts_after ?? receipts.at(-1)?.receipt.id ?? null;
  }
  return { batches, receipts };
}
