/**
 * The audit CLI: does what the usage contract counted equal what the gateways signed?
 *
 *   npx tsx scripts/audit/main.ts --chain http://127.0.0.1:26680 --publication http://127.0.0.1:8790 \
 *     [--chain-adapter cosmwasm --contract <usage address>]   (a CosmWasm node's RPC URL as --chain) \
 *     [--contract <usage address>] [--permit permit.json --org 1 [--org 2] [--from-day N --to-day M]] \
 *     [--allow-dev-signers] [--json]
 *
 * --publication is the relayer's HTTP base URL or a directory of its static `batches/<id>.json`.
 * Without a permit it checks what is public: every batch header against the published
 * attestation hashes (Merkle root, count), every receipt header against its published signed
 * receipt and leaf hashes (signature, hash, root, count), signer registration and mode, one
 * sequence per signer without gaps or duplicates across batches and receipts, and the
 * contract's totals. With a permit, each receipt's lines of the org equal the sums of its leaves. With a permit of an org's owner, admin or
 * auditor it also fetches that org's attestations from the relayer (which checks the permit on
 * chain), verifies each signature and Merkle proof against the chain's roots, and compares
 * their sums per UTC day with the contract's private counters.
 * A batch of a `dev` signer fails the audit unless --allow-dev-signers, which the report's
 * first line then states.
 * Exit status: 0 everything matches, 1 a mismatch (the report says where), 2 the audit could not run.
 * Collection and verification are @privexbot/schema/audit (browser-safe, shared with the dapp's
 * auditor page); this file adds the arguments, the directory publication and the output.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AuditInput,
  AuditInputError,
  type AuditReport,
  type AuditSources,
  auditBatches,
  collectOrgAuditInput,
  collectPublicAuditInput,
  devSignerNotice,
  fetchPublishedBatch,
  fetchPublishedReceipt,
  parsePublishedBatch,
  parsePublishedReceipt,
} from '@privexbot/schema/audit';
import type { QueryPermit } from '@privexbot/schema/chain';
import { ChainError, ContractError } from '@privexbot/schema/chain/errors';
import { nativeFetch } from '@privexbot/schema/fetch';

async function main(): Promise<number> {
  let values: ReturnType<typeof parseOptions>;
  try {
    values = parseOptions();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { chain, usage } = await connectAuditedChain(values);

  const sources: AuditSources = {
    queryUsage: (msg) => chain.query(usage, msg),
    isUnknownSigner: (error) =>
      (error instanceof ChainError && error.code === 'NOT_FOUND') ||
      (error instanceof ContractError && /unknown signer|not found/i.test(error.contractMessage)),
    publishedBatch: (id) =>
      /^https?:\/\//.test(values.publication)
        ? fetchPublishedBatch(values.publication, id, nativeFetch)
        : readPublishedBatchFile(values.publication, id),
    publishedReceipt: (id) =>
      /^https?:\/\//.test(values.publication)
        ? fetchPublishedReceipt(values.publication, id, nativeFetch)
        : readPublishedReceiptFile(values.publication, id),
  };
  let input: AuditInput = await collectPublicAuditInput(sources, { allowDevSigners: values.allowDevSigners });
  if (values.permit) {
    const permit = JSON.parse(readFileSync(values.permit, 'utf8')) as QueryPermit;
    input = {
      ...input,
      ...(await collectOrgAuditInput(
        sources,
        input.headers,
        {
          orgs: values.org,
          permit,
          relayerUrl: values.publication,
          fetch: nativeFetch,
          fromDay: values.fromDay,
          toDay: values.toDay,
        },
        input.receipts,
      )),
    };
  }
  const report = auditBatches(input);

  if (values.json) {
    const notice = devSignerNotice(report);
    console.log(
      JSON.stringify(
        { ...(notice ? { notice } : {}), ...report },
        (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
        2,
      ),
    );
  } else {
    printReport(report, {
      chain: values.chain,
      usage,
      publication: values.publication,
      permit: Boolean(values.permit),
    });
  }
  return report.ok ? 0 : 1;
}

/** A batch of a publication copied to a directory (`batches/<id>.json`); undefined when absent. */
function readPublishedBatchFile(directory: string, id: number) {
  const file = join(directory, 'batches', `${id}.json`);
  if (!existsSync(file)) return Promise.resolve(undefined);
  return Promise.resolve(parsePublishedBatch(readFileSync(file, 'utf8'), file));
}

/** A receipt of a publication copied to a directory (`receipts/<id>.json`); undefined when absent. */
function readPublishedReceiptFile(directory: string, id: number) {
  const file = join(directory, 'receipts', `${id}.json`);
  if (!existsSync(file)) return Promise.resolve(undefined);
  return Promise.resolve(parsePublishedReceipt(readFileSync(file, 'utf8'), file));
}

/**
 * The chain to audit, read-only: the devnet (its URL; it names its usage contract) or any
 * CosmWasm node (its RPC URL, with --contract).
 */
async function connectAuditedChain(values: ReturnType<typeof parseOptions>) {
  // Loaded only now: secretjs (inside @privexbot/schema/chain) replaces global fetch when
  // imported; @privexbot/schema/fetch kept Node's own first.
  const { connectReadOnlyClient } = await import('@privexbot/schema/chain/connect');
  if (values.chainAdapter === 'cosmwasm') {
    const chain = await connectReadOnlyClient({ adapter: 'cosmwasm', rpcUrl: values.chain });
    return { chain, usage: values.contract as string };
  }
  const { connectDevnet } = await import('@privexbot/schema/chain');
  const chain = await connectDevnet({ url: values.chain, fetch: nativeFetch });
  const usage = values.contract ?? (await chain.status()).contracts.usage?.address;
  if (!usage) throw new AuditInputError('the chain reports no usage contract; pass --contract');
  return { chain, usage };
}

const USAGE =
  'usage: tsx scripts/audit/main.ts --chain <devnet URL | node RPC URL> [--chain-adapter devnet|cosmwasm] --publication <relayer URL | directory> [--contract <address>] [--permit <file> --org <id> [--org <id>]... [--from-day N] [--to-day N]] [--allow-dev-signers] [--json]';

function parseOptions() {
  const { values } = parseArgs({
    options: {
      chain: { type: 'string' },
      'chain-adapter': { type: 'string', default: 'devnet' },
      contract: { type: 'string' },
      publication: { type: 'string' },
      permit: { type: 'string' },
      org: { type: 'string', multiple: true, default: [] },
      'from-day': { type: 'string' },
      'to-day': { type: 'string' },
      json: { type: 'boolean', default: false },
      'allow-dev-signers': { type: 'boolean', default: false },
    },
  });
  if (!values.chain) throw new Error('--chain is required');
  if (!values.publication) throw new Error('--publication is required');
  const chainAdapter = values['chain-adapter'];
  if (chainAdapter !== 'devnet' && chainAdapter !== 'cosmwasm')
    throw new Error(`--chain-adapter must be devnet or cosmwasm, got ${chainAdapter}`);
  if (chainAdapter === 'cosmwasm' && !values.contract)
    throw new Error('--chain-adapter cosmwasm needs --contract (the usage contract address)');
  const day = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    if (!/^\d{1,6}$/.test(text)) throw new Error(`${name} must be a day number (unix seconds / 86400)`);
    return Number(text);
  };
  for (const org of values.org)
    if (!/^\d{1,20}$/.test(org)) throw new Error(`--org must be an org id, got ${org}`);
  if (values.org.length > 0 && !values.permit)
    throw new Error('--org needs --permit (org counters are private)');
  if (values.permit && values.org.length === 0)
    throw new Error('--permit needs --org: the orgs whose attestations and counters to check');
  return {
    chain: values.chain,
    chainAdapter: chainAdapter as 'devnet' | 'cosmwasm',
    contract: values.contract,
    publication: values.publication,
    permit: values.permit,
    org: values.org,
    fromDay: day('--from-day', values['from-day']),
    toDay: day('--to-day', values['to-day']),
    json: values.json,
    allowDevSigners: values['allow-dev-signers'],
  };
}

function printReport(
  report: AuditReport,
  context: { chain: string; usage: string; publication: string; permit: boolean },
): void {
  const notice = devSignerNotice(report);
  if (notice) console.log(notice);
  console.log(`audit of ${context.usage} on ${context.chain} against ${context.publication}`);
  console.log(
    `  batches checked: ${report.batchesChecked}; receipts checked: ${report.receiptsChecked}; attestation hashes checked: ${report.leavesChecked}; signers: ${report.signers.length}`,
  );
  for (const s of report.signerModes)
    console.log(`  signer ${s.signer}: ${s.mode}, ${s.batches} batch(es), ${s.receipts} receipt(s)`);
  for (const r of report.receipts) {
    const lines =
      r.orgsChecked.length > 0 ? `lines of org ${r.orgsChecked.join(', ')} summed` : 'root and count';
    console.log(
      `  receipt ${r.id} signer ${r.signer} seq ${r.firstSeq}..${r.lastSeq} (${r.hash}): ${r.answers} answers, ${r.lines} lines, ${lines}: ${r.ok ? 'pass' : `FAIL ${r.problems.join(', ')}`}`,
    );
  }
  for (const note of report.unchecked) console.log(`  not checked: ${note}`);
  if (context.permit) {
    console.log(`  org attestations verified (signature and Merkle proof): ${report.attestationsVerified}`);
    for (const s of report.sums) {
      const date = new Date(s.day * 86_400_000).toISOString().slice(0, 10);
      console.log(
        `  org ${s.org} ${date}: ${s.messages} messages, ${s.promptTokens} prompt + ${s.completionTokens} completion tokens`,
      );
    }
  } else {
    console.log('  (no permit: per-org attestations and counters not checked; public roots and totals were)');
  }
  for (const warning of report.warnings) console.log(`  warning: ${warning}`);
  if (report.ok) {
    console.log(
      'OK: every counted batch and receipt is published, rebuilds its root, is in sequence and summed correctly',
    );
    return;
  }
  console.log(`MISMATCH: ${report.problems.length} problem(s)`);
  for (const p of report.problems) console.log(`  [${p.code}] ${p.message}`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`audit could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
