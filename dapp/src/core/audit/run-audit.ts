/**
 * The auditor page's audit: the same verification as the audit CLI (scripts/audit/main.ts),
 * `auditBatches`, fed with inputs fetched from the browser: batch headers, signers and totals
 * from the usage contract; batch contents from the relayer's publication (`GET /batches/:id`);
 * with a permit, the org's private per-day counters. Everything is loaded on demand.
 */
import { fromBase64, toHex } from '@cosmjs/encoding';
import type { QueryPermit } from '@privexbot/schema/chain';
import { resolveContract } from '../actions/get-contracts.js';
import { queryContract } from '../actions/query-contract.js';
import type { DappConfig } from '../config.js';
import { BaseError, ChainRequestError } from '../errors.js';

// The verification module is the relayer's browser-safe `audit` entry (see README: it should
// move to @privexbot/schema so the dapp imports nothing of the relayer package).
type AuditModule = typeof import('@privexbot/relayer/audit');
export type AuditReport = ReturnType<AuditModule['auditBatches']>;
type AuditInput = Parameters<AuditModule['auditBatches']>[0];
type Header = AuditInput['headers'][number];
type Published = AuditInput['published'] extends ReadonlyMap<number, infer P> ? P : never;
type SignerRecord = AuditInput['signers'] extends ReadonlyMap<string, infer S> ? S : never;

export class AuditInputError extends BaseError {
  override name = 'AuditInputError';
}

export interface RunAuditParameters {
  /** with a permit: the orgs whose private counters are compared */
  orgId?: string;
  permit?: QueryPermit;
  fromDay?: number;
  toDay?: number;
}

export interface BatchVerdict {
  id: number;
  count: number;
  firstSeq: string;
  lastSeq: string;
  ok: boolean;
  problems: string[];
}

export interface RunAuditReturnType {
  report: AuditReport;
  batches: BatchVerdict[];
}

const MAX_DAY_SPAN = 366;

export async function runAudit(
  config: DappConfig,
  parameters: RunAuditParameters,
): Promise<RunAuditReturnType> {
  const { auditBatches } = await import('@privexbot/relayer/audit');
  const usage = await resolveContract(config, 'usage');
  const headers = await fetchAllHeaders(config, usage);
  const published = new Map<number, Published>();
  for (const header of headers) {
    const batch = await fetchPublishedBatch(config, header.id);
    if (batch) published.set(header.id, batch);
  }
  const signers = new Map<string, SignerRecord>();
  for (const header of headers) {
    const hex = toHex(fromBase64(header.signer));
    if (!signers.has(hex)) signers.set(hex, await fetchSigner(config, usage, header.signer));
  }
  const { counters } = await queryContract<{ counters: NonNullable<AuditInput['totals']> }>(config, {
    contract: usage,
    msg: { totals: {} },
  });
  const input: AuditInput = { headers, published, signers, complete: true, totals: counters };
  let report = auditBatches(input);

  if (parameters.permit && parameters.orgId) {
    const seenDays = report.sums.map((s) => s.day);
    const fromDay = parameters.fromDay ?? (seenDays.length ? Math.min(...seenDays) : 0);
    const toDay = parameters.toDay ?? (seenDays.length ? Math.max(...seenDays) : 0);
    const days: NonNullable<AuditInput['orgUsage']>[number]['days'] = [];
    for (let start = fromDay; start <= toDay; start += MAX_DAY_SPAN) {
      const page = await queryContract<{ days: typeof days }>(config, {
        contract: usage,
        msg: {
          org_usage: {
            org_id: Number(parameters.orgId),
            from_day: start,
            to_day: Math.min(toDay, start + MAX_DAY_SPAN - 1),
            auth: { permit: parameters.permit },
          },
        },
      });
      days.push(...page.days);
    }
    report = auditBatches({
      ...input,
      orgUsage: [{ org_id: parameters.orgId, days }],
      dayRange: { from: fromDay, to: toDay },
    });
  }

  const batches = headers.map((header) => {
    const problems = report.problems.filter((p) => p.batchId === header.id).map((p) => p.message);
    return {
      id: header.id,
      count: header.count,
      firstSeq: header.first_seq,
      lastSeq: header.last_seq,
      ok: problems.length === 0,
      problems,
    };
  });
  return { report, batches };
}

async function fetchAllHeaders(config: DappConfig, usage: string): Promise<Header[]> {
  const headers: Header[] = [];
  for (;;) {
    const page = await queryContract<{ batches: Header[]; total: number }>(config, {
      contract: usage,
      msg: { batches: { start: headers.length, limit: 100 } },
    });
    headers.push(...page.batches);
    if (page.batches.length === 0 || headers.length >= Number(page.total)) return headers;
  }
}

async function fetchSigner(config: DappConfig, usage: string, pubkey: string): Promise<SignerRecord> {
  try {
    return await queryContract<NonNullable<SignerRecord>>(config, {
      contract: usage,
      msg: { signer: { pubkey } },
    });
  } catch (error) {
    // An unknown signer is a finding of the audit, not a failure to run it.
    if (error instanceof ChainRequestError && (error.code === 'NOT_FOUND' || error.code === 'CONTRACT_ERROR'))
      return undefined;
    throw error;
  }
}

async function fetchPublishedBatch(config: DappConfig, id: number): Promise<Published | undefined> {
  const url = `${config.relayerUrl}/batches/${id}`;
  let response: Response;
  try {
    response = await config.fetch(url, { headers: { accept: 'application/json' } });
  } catch (cause) {
    throw new AuditInputError('The relayer’s batch publication could not be reached.', { cause });
  }
  if (response.status === 404) return undefined;
  if (!response.ok)
    throw new AuditInputError(`The relayer’s publication answered ${response.status} for batch ${id}.`);
  const body = (await response.json().catch(() => undefined)) as Published | undefined;
  if (!body || !Array.isArray(body.attestations)) {
    throw new AuditInputError(`The relayer’s publication of batch ${id} has no attestations list.`);
  }
  return body;
}
