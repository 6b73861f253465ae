/**
 * The auditor page's audit: the same verification as the audit CLI (scripts/audit/main.ts),
 * `auditBatches`, fed with inputs fetched from the browser: batch headers, signers and totals
 * from the usage contract; each batch's attestation hashes from the relayer's public
 * publication (`GET /batches/:id`); with a permit of the org's owner, admin or auditor, the
 * org's attestations and Merkle proofs from the relayer's private route
 * (`POST /orgs/:org/attestations`) and the org's private per-day counters.
 */
import { fromBase64, toHex } from '@cosmjs/encoding';
import type { QueryPermit } from '@privexbot/schema/chain';
import { resolveContract } from '../actions/get-contracts.js';
import { withQueryPermit } from '../actions/get-query-permit.js';
import { queryContract } from '../actions/query-contract.js';
import type { DappConfig } from '../config.js';
import { BaseError, type BaseErrorOptions, ChainRequestError } from '../errors.js';

// The verification module is the relayer's browser-safe `audit` entry (see README: it should
// move to @privexbot/schema so the dapp imports nothing of the relayer package).
type AuditModule = typeof import('@privexbot/relayer/audit');
export type AuditReport = ReturnType<AuditModule['auditBatches']>;
type AuditInput = Parameters<AuditModule['auditBatches']>[0];
type Header = AuditInput['headers'][number];
type Published = AuditInput['published'] extends ReadonlyMap<number, infer P> ? P : never;
type SignerRecord = AuditInput['signers'] extends ReadonlyMap<string, infer S> ? S : never;
type OrgBatch =
  NonNullable<AuditInput['orgAttestations']> extends ReadonlyMap<string, readonly (infer B)[]> ? B : never;
type OrgDays = NonNullable<AuditInput['orgUsage']>[number]['days'];

export class AuditInputError extends BaseError {
  override name = 'AuditInputError';
  /** the relayer's error code when it refused (`PERMIT_REVOKED`, `PERMIT_REFUSED`, …) */
  readonly code: string | undefined;
  constructor(shortMessage: string, options: BaseErrorOptions & { code?: string } = {}) {
    super(shortMessage, options);
    this.code = options.code;
  }
}

export interface RunAuditParameters {
  /** the org whose attestations and private counters are checked (needs a permit) */
  orgId?: string;
  /** a pasted permit; or `wallet`: the connected account's (signed anew if it was revoked) */
  permit?: QueryPermit | 'wallet';
  fromDay?: number;
  toDay?: number;
  /** development only: let batches of `dev` signers pass (the verdict then says so first) */
  allowDevSigners?: boolean;
}

export interface BatchVerdict {
  id: number;
  count: number;
  firstSeq: string;
  lastSeq: string;
  signer: string;
  signerMode: 'tee' | 'dev' | 'unregistered';
  ok: boolean;
  problems: string[];
}

export interface RunAuditReturnType {
  report: AuditReport;
  /** the first line of any report when dev signers were allowed */
  notice: string | undefined;
  batches: BatchVerdict[];
}

const MAX_DAY_SPAN = 366;

export async function runAudit(
  config: DappConfig,
  parameters: RunAuditParameters,
): Promise<RunAuditReturnType> {
  const { auditBatches, devSignerNotice } = await import('@privexbot/relayer/audit');
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
  let input: AuditInput = {
    headers,
    published,
    signers,
    complete: true,
    totals: counters,
    allowDevSigners: parameters.allowDevSigners === true,
  };

  const orgId = parameters.orgId;
  if (parameters.permit && orgId) {
    const readPrivate = async (permit: QueryPermit) => {
      // The chain says first whether this permit may read the org (and whether it was revoked);
      // with no batch on chain there is nothing to ask the relayer for.
      await queryContract(config, {
        contract: usage,
        msg: { org_bots: { org_id: Number(orgId), start: 0, limit: 1, auth: { permit } } },
      });
      const batches = headers.length === 0 ? [] : await fetchOrgAttestations(config, orgId, permit);
      const days = batches
        .flatMap((b) => b.attestations)
        .map((e) => Number(BigInt((e.attestation as { ts?: string }).ts ?? '0') / 86_400n));
      const fromDay = parameters.fromDay ?? (days.length ? Math.min(...days) : 0);
      const toDay = parameters.toDay ?? (days.length ? Math.max(...days) : 0);
      return {
        batches,
        usageDays: await fetchOrgDays(config, usage, orgId, permit, fromDay, toDay),
        fromDay,
        toDay,
      };
    };
    const read =
      parameters.permit === 'wallet'
        ? await withQueryPermit(config, 'usage', readPrivate)
        : await readPrivate(parameters.permit);
    input = {
      ...input,
      orgAttestations: new Map([[orgId, read.batches]]),
      orgUsage: [{ org_id: orgId, days: read.usageDays }],
      dayRange: { from: read.fromDay, to: read.toDay },
    };
  }
  const report = auditBatches(input);

  const modes = new Map(report.signerModes.map((s) => [s.signer, s.mode]));
  const batches = headers.map((header) => {
    const signer = toHex(fromBase64(header.signer));
    const problems = report.problems.filter((p) => p.batchId === header.id).map((p) => p.message);
    return {
      id: header.id,
      count: header.count,
      firstSeq: header.first_seq,
      lastSeq: header.last_seq,
      signer,
      signerMode: modes.get(signer) ?? 'unregistered',
      ok: problems.length === 0,
      problems,
    };
  });
  return { report, notice: devSignerNotice(report), batches };
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
  if (!body || !Array.isArray(body.attestation_hashes)) {
    throw new AuditInputError(`The relayer’s publication of batch ${id} has no attestation hashes.`);
  }
  return body;
}

/** The org's attestations with their Merkle proofs; the relayer checks the permit on chain. */
async function fetchOrgAttestations(
  config: DappConfig,
  org: string,
  permit: QueryPermit,
): Promise<OrgBatch[]> {
  const batches: OrgBatch[] = [];
  let after: string | null = null;
  do {
    let response: Response;
    try {
      response = await config.fetch(`${config.relayerUrl}/orgs/${org}/attestations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ auth: { permit }, ...(after ? { after } : {}) }),
      });
    } catch (cause) {
      throw new AuditInputError('The relayer could not be reached.', { cause });
    }
    const body = (await response.json().catch(() => undefined)) as
      | { batches?: OrgBatch[]; next_after?: string | null; error?: { code?: string; message?: string } }
      | undefined;
    if (!response.ok) {
      throw new AuditInputError(
        `The relayer refused org ${org}’s attestations: ${body?.error?.message ?? `HTTP ${response.status}`}.`,
        body?.error?.code ? { code: body.error.code } : {},
      );
    }
    if (!Array.isArray(body?.batches)) throw new AuditInputError('The relayer answered without batches.');
    batches.push(...body.batches);
    after = body.next_after ?? null;
  } while (after);
  return batches;
}

async function fetchOrgDays(
  config: DappConfig,
  usage: string,
  org: string,
  permit: QueryPermit,
  fromDay: number,
  toDay: number,
): Promise<OrgDays> {
  const days: OrgDays = [];
  for (let start = fromDay; start <= toDay; start += MAX_DAY_SPAN) {
    const page = await queryContract<{ days: OrgDays }>(config, {
      contract: usage,
      msg: {
        org_usage: {
          org_id: Number(org),
          from_day: start,
          to_day: Math.min(toDay, start + MAX_DAY_SPAN - 1),
          auth: { permit },
        },
      },
    });
    days.push(...page.days);
  }
  return days;
}
