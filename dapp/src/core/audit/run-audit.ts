/**
 * The auditor page's audit: the same collection and verification as the audit CLI
 * (`@privexbot/schema/audit`), fed from the browser: the usage contract through the dapp's
 * chain reader, the relayer's publication and private route through `config.fetch`.
 */
import { fromBase64, toHex } from '@cosmjs/encoding';
import {
  AuditInputError as AuditCollectionError,
  type AuditInput,
  type AuditReceiptResult,
  type AuditReport,
  type AuditSources,
  auditBatches,
  collectOrgAuditInput,
  collectPublicAuditInput,
  devSignerNotice,
  fetchPublishedBatch,
  fetchPublishedReceipt,
} from '@privexbot/schema/audit';
import type { QueryPermit } from '@privexbot/schema/chain';
import { resolveContract } from '../actions/get-contracts.js';
import { withQueryPermit } from '../actions/get-query-permit.js';
import { queryContract } from '../actions/query-contract.js';
import type { DappConfig } from '../config.js';
import { BaseError, type BaseErrorOptions, ChainRequestError } from '../errors.js';

export type { AuditReceiptResult, AuditReport };

export class AuditInputError extends BaseError {
  override name = 'AuditInputError';
  /** the relayer's error code when it refused (`PERMIT_REVOKED`, `PERMIT_REFUSED`, …) */
  readonly code: string | undefined;
  constructor(shortMessage: string, options: BaseErrorOptions & { code?: string | undefined } = {}) {
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
  /** settlement v2: each receipt with its verdict and the problems that name it */
  receipts: ReceiptVerdict[];
}

export interface ReceiptVerdict extends AuditReceiptResult {
  signerMode: 'tee' | 'dev' | 'unregistered';
  /** the messages of the problems that name this receipt */
  messages: string[];
}

export async function runAudit(
  config: DappConfig,
  parameters: RunAuditParameters,
): Promise<RunAuditReturnType> {
  const usage = await resolveContract(config, 'usage');
  const sources: AuditSources = {
    queryUsage: (msg) => queryContract(config, { contract: usage, msg }),
    // An unknown signer is a finding of the audit, not a failure to run it.
    isUnknownSigner: (error) =>
      error instanceof ChainRequestError && (error.code === 'NOT_FOUND' || error.code === 'CONTRACT_ERROR'),
    publishedBatch: (id) => fetchPublishedBatch(config.relayerUrl, id, config.fetch),
    publishedReceipt: (id) => fetchPublishedReceipt(config.relayerUrl, id, config.fetch),
  };
  try {
    let input: AuditInput = await collectPublicAuditInput(sources, {
      allowDevSigners: parameters.allowDevSigners === true,
    });
    const orgId = parameters.orgId;
    if (parameters.permit && orgId) {
      const readPrivate = async (permit: QueryPermit) => {
        // The chain says first whether this permit may read the org (and whether it was revoked).
        await queryContract(config, {
          contract: usage,
          msg: { org_bots: { org_id: Number(orgId), start: 0, limit: 1, auth: { permit } } },
        });
        return collectOrgAuditInput(
          sources,
          input.headers,
          {
            orgs: [orgId],
            permit,
            // The collection wants an absolute URL; the dapp's default is its same-origin `/relayer`.
            relayerUrl: new URL(config.relayerUrl, globalThis.location?.href).href,
            fetch: config.fetch,
            fromDay: parameters.fromDay,
            toDay: parameters.toDay,
          },
          input.receipts,
        );
      };
      const read =
        parameters.permit === 'wallet'
          ? await withQueryPermit(config, 'usage', readPrivate)
          : await readPrivate(parameters.permit);
      input = { ...input, ...read };
    }
    return verdicts(input);
  } catch (error) {
    if (error instanceof AuditCollectionError) {
      throw new AuditInputError(`The audit could not read its inputs: ${error.message}.`, {
        cause: error,
        code: error.code,
      });
    }
    throw error;
  }
}

function verdicts(input: AuditInput): RunAuditReturnType {
  const headers = input.headers;
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
  const receipts = report.receipts.map((receipt) => ({
    ...receipt,
    signerMode: modes.get(receipt.signer) ?? 'unregistered',
    messages: report.problems.filter((p) => p.receiptId === receipt.id).map((p) => p.message),
  }));
  return { report, notice: devSignerNotice(report), batches, receipts };
}
