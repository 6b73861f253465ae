import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  AuditBatchHeader,
  AuditOrgBatch,
  AuditOrgUsage,
  AuditPublishedBatch,
  AuditSignerRecord,
} from '@privexbot/relayer/audit';
import type { ChainClient, QueryPermit } from '@privexbot/schema/chain';
import { ChainError, ContractError } from '@privexbot/schema/chain/errors';

/** Thrown when the audit cannot get its inputs (as opposed to finding a mismatch). */
export class AuditInputError extends Error {
  override readonly name = 'AuditInputError';
}

/** Every batch header on chain, in id order. */
export async function fetchAllHeaders(chain: ChainClient, usage: string): Promise<AuditBatchHeader[]> {
  const headers: AuditBatchHeader[] = [];
  for (;;) {
    const page = await chain.query<{ batches: AuditBatchHeader[]; total: number }>(usage, {
      batches: { start: headers.length, limit: 100 },
    });
    headers.push(...page.batches);
    if (page.batches.length === 0 || headers.length >= Number(page.total)) return headers;
  }
}

export async function fetchSigner(
  chain: ChainClient,
  usage: string,
  signerHex: string,
): Promise<AuditSignerRecord | undefined> {
  try {
    return await chain.query<AuditSignerRecord>(usage, {
      signer: { pubkey: Buffer.from(signerHex, 'hex').toString('base64') },
    });
  } catch (error) {
    if (error instanceof ChainError && error.code === 'NOT_FOUND') return undefined;
    if (error instanceof ContractError && /unknown signer|not found/i.test(error.contractMessage))
      return undefined;
    throw error;
  }
}

export async function fetchTotals(chain: ChainClient, usage: string) {
  const { counters } = await chain.query<{
    counters: { messages: string; prompt_tokens: string; completion_tokens: string };
  }>(usage, {
    totals: {},
  });
  return counters;
}

/**
 * One published batch from the relayer's publication: an http(s) base URL (`GET /batches/:id`)
 * or a directory of static files (`batches/<id>.json`). Undefined when the publication does not have it.
 */
export async function fetchPublishedBatch(
  publication: string,
  id: number,
  fetchFn: typeof fetch = globalThis.fetch,
): Promise<AuditPublishedBatch | undefined> {
  if (/^https?:\/\//.test(publication)) {
    const url = `${publication.replace(/\/+$/, '')}/batches/${id}`;
    let response: Response;
    try {
      response = await fetchFn(url);
    } catch (cause) {
      throw new AuditInputError(
        `the publication at ${publication} is unreachable (${(cause as Error).message})`,
      );
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new AuditInputError(`${url} answered HTTP ${response.status}`);
    return parsePublished(await response.text(), url);
  }
  const file = join(publication, 'batches', `${id}.json`);
  if (!existsSync(file)) return undefined;
  return parsePublished(readFileSync(file, 'utf8'), file);
}

function parsePublished(text: string, where: string): AuditPublishedBatch {
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
 * Every attestation of `org` with its Merkle proof, from the relayer's private route: the
 * relayer hands them over only against a permit (or ADR-36 signature) of the org's owner,
 * admin or auditor, which it checks on chain. A refusal stops the audit with the relayer's reason.
 */
export async function fetchOrgAttestations(
  relayerUrl: string,
  org: string,
  auth: { permit: QueryPermit },
  fetchFn: typeof fetch = globalThis.fetch,
): Promise<AuditOrgBatch[]> {
  if (!/^https?:\/\//.test(relayerUrl)) {
    throw new AuditInputError('an org audit reads the relayer over HTTP: --publication must be its URL');
  }
  const url = `${relayerUrl.replace(/\/+$/, '')}/orgs/${org}/attestations`;
  const batches: AuditOrgBatch[] = [];
  let after: string | null = null;
  do {
    let response: Response;
    try {
      response = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth, ...(after ? { after } : {}) }),
      });
    } catch (cause) {
      throw new AuditInputError(`the relayer at ${relayerUrl} is unreachable (${(cause as Error).message})`);
    }
    const body = (await response.json().catch(() => undefined)) as
      | { batches?: AuditOrgBatch[]; next_after?: string | null; error?: { code: string; message: string } }
      | undefined;
    if (!response.ok) {
      const reason = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
      throw new AuditInputError(`the relayer refused org ${org}'s attestations (${reason})`);
    }
    if (!Array.isArray(body?.batches)) throw new AuditInputError(`${url} answered without a batches array`);
    batches.push(...body.batches);
    after = body.next_after ?? null;
  } while (after);
  return batches;
}

const MAX_DAY_SPAN = 366;

/** An org's counters per day with a permit, in spans of at most 366 days (the contract's limit). */
export async function fetchOrgUsage(
  chain: ChainClient,
  usage: string,
  org: string,
  permit: QueryPermit,
  fromDay: number,
  toDay: number,
): Promise<AuditOrgUsage> {
  const days: AuditOrgUsage['days'] = [];
  for (let start = fromDay; start <= toDay; start += MAX_DAY_SPAN) {
    const end = Math.min(toDay, start + MAX_DAY_SPAN - 1);
    const page = await chain.query<AuditOrgUsage>(usage, {
      org_usage: { org_id: Number(org), from_day: start, to_day: end, auth: { permit } },
    });
    days.push(...page.days);
  }
  return { org_id: org, days };
}
