/**
 * Settlement cost on a real wasmd node, v1 and v2 side by side in one run: v1 puts every
 * attestation on chain (`submit_batch`), v2 one gateway-signed receipt of per-(org, bot, day)
 * sums per range (`submit_receipt`, contracts/usage/README.md). Same answers, same contract,
 * fresh counters for every run (each run uses org ids no run used before), gas as the node
 * reports it and tx bytes as the node stores them.
 *
 * Scenarios: one batch or receipt of N = 1, 10, 100, 1,000, 10,000 answers of one org and bot,
 * and a realistic day: 10,000 answers over 100 orgs × 3 bots, once as those bots' first day
 * ever (every bot new to its org's list) and once in steady state (the same bots already
 * counted the day before, settled beforehand and not measured). v1 above the contract's batch
 * ceiling (1,000 attestations) is split into batches of 1,000, as a relayer must.
 *
 *   npx tsx scripts/bench/settlement-gas.ts [--block-gas 100000000] [--gas-price 0.025] [--write]
 *
 * `--write` appends the dated table to scripts/bench/RESULTS.md.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Attestation,
  encodeSubmitBatch,
  generateSignerKey,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import type { TxResult } from '@privexbot/schema/chain';
import { NetworkError } from '@privexbot/schema/chain/errors';
import { usageClient } from '@privexbot/schema/contracts';
import { buildReceipt, encodeSubmitReceipt, signReceipt } from '@privexbot/schema/receipt';
import { buildContracts } from '../contracts/build-contracts.js';
import { repoRoot } from '../lib/paths.js';
import { connectWasmdAccount, deployWasmdPlatform } from '../wasmd/deploy-wasmd-platform.js';
import { startWasmdChain } from '../wasmd/start-wasmd-chain.js';

const { values } = parseArgs({
  options: {
    'block-gas': { type: 'string', default: '100000000' },
    'gas-price': { type: 'string', default: '0.025' },
    write: { type: 'boolean', default: false },
  },
});
const blockGas = Number(values['block-gas']);
const gasPrice = Number(values['gas-price']);
const BATCH_CEILING = 1_000;
const BLOCK_SECONDS = 6;

interface Scenario {
  name: string;
  answers: number;
  orgs: number;
  bots: number;
  /** settle one answer of every (org, bot) on the day before, unmeasured */
  warm?: boolean;
}
const SCENARIOS: Scenario[] = [
  ...[1, 10, 100, 1_000, 10_000].map((n) => ({
    name: `N=${n.toLocaleString('en')}, 1 org × 1 bot`,
    answers: n,
    orgs: 1,
    bots: 1,
  })),
  { name: 'realistic day, first day of 100 orgs × 3 bots', answers: 10_000, orgs: 100, bots: 3 },
  { name: 'realistic day, steady state: 100 orgs × 3 bots', answers: 10_000, orgs: 100, bots: 3, warm: true },
];
const BOTS = Array.from({ length: 3 }, (_, i) => `6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4${i}`);

interface Measured {
  gas: number;
  bytes: number;
  txs: number;
}

buildContracts({ quiet: true });
const chain = await startWasmdChain({ maxBlockGas: blockGas });
try {
  const platform = await deployWasmdPlatform(chain, {
    artifactsDir: join(repoRoot, 'contracts', 'artifacts'),
  });
  const operator = await connectWasmdAccount(chain, 'operator');
  const relayer = await connectWasmdAccount(chain, 'relayer');
  const admin = usageClient(operator, platform.usage);
  await admin.execute('update_config', { max_batch_size: BATCH_CEILING });
  const v1Key = generateSignerKey();
  const v2Key = generateSignerKey();
  for (const key of [v1Key, v2Key]) {
    await admin.registerSigner({
      pubkey: Buffer.from(signerPublicKey(key)).toString('base64'),
      attestationHash: Buffer.alloc(32, 1).toString('base64'),
      mode: 'dev',
    });
  }
  const usage = usageClient(relayer, platform.usage);
  const seq = new Map<Uint8Array, bigint>([
    [v1Key, 1n],
    [v2Key, 1n],
  ]);
  let nextOrg = 1_000;

  /** `scenario.answers` answers of one signer continuing its sequence, over `orgs` orgs × `bots` bots. */
  function answers(key: Uint8Array, scenario: Scenario, firstOrg: number, daysAgo = 0): Attestation[] {
    const from = seq.get(key) as bigint;
    seq.set(key, from + BigInt(scenario.answers));
    const ts = BigInt(Math.floor(Date.now() / 1000) - 60 - daysAgo * 86_400);
    let random = 12_345;
    const next = () => {
      random = (random * 1_103_515_245 + 12_345) % 2 ** 31;
      return random;
    };
    return Array.from({ length: scenario.answers }, (_, i) => ({
      v: 1,
      signer: signerPublicKey(key),
      seq: from + BigInt(i),
      org: BigInt(firstOrg + (i % scenario.orgs)),
      bot: BOTS[Math.floor(i / scenario.orgs) % scenario.bots] as string,
      ts,
      promptTokens: 200 + (next() % 1_800),
      completionTokens: 50 + (next() % 750),
      reqHash: new Uint8Array(32).fill(i % 251),
      model: 'llama-3.3-70b',
    }));
  }

  async function measure(tx: TxResult): Promise<Measured> {
    const response = await fetch(`${chain.rpcUrl}/tx?hash=0x${tx.txHash}`);
    const body = (await response.json()) as { result?: { tx: string; tx_result: { gas_used: string } } };
    if (!body.result) throw new Error(`the node has no tx ${tx.txHash}`);
    return {
      gas: Number(body.result.tx_result.gas_used),
      bytes: Buffer.from(body.result.tx, 'base64').length,
      txs: 1,
    };
  }
  const add = (a: Measured, b: Measured): Measured => ({
    gas: a.gas + b.gas,
    bytes: a.bytes + b.bytes,
    txs: a.txs + b.txs,
  });

  /**
   * Submits once more after a dropped connection (CometBFT closes idle keep-alive sockets),
   * but only when the signer's sequence shows the first try never landed.
   */
  async function submitted(
    key: Uint8Array,
    lastSeq: bigint,
    send: () => Promise<TxResult>,
  ): Promise<TxResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof NetworkError) || attempt === 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const signer = Buffer.from(signerPublicKey(key)).toString('base64');
        if ((await usage.lastSeq(signer)) >= lastSeq) throw error; // landed: its tx hash is lost
      }
    }
  }

  async function settleV1(atts: Attestation[]): Promise<Measured> {
    // Signed up front, so the submissions follow each other without idle connections.
    const batches = [];
    for (let i = 0; i < atts.length; i += BATCH_CEILING) {
      const batch = atts.slice(i, i + BATCH_CEILING);
      batches.push({
        last: (batch[batch.length - 1] as Attestation).seq,
        msg: encodeSubmitBatch(batch.map((a) => ({ attestation: a, signature: signAttestation(a, v1Key) }))),
      });
    }
    let total: Measured = { gas: 0, bytes: 0, txs: 0 };
    for (const { last, msg } of batches) {
      total = add(total, await measure(await submitted(v1Key, last, () => usage.submitBatch(msg))));
    }
    return total;
  }

  async function settleV2(atts: Attestation[]): Promise<Measured & { lines: number }> {
    const receipt = buildReceipt(atts);
    const msg = encodeSubmitReceipt({ receipt, signature: signReceipt(receipt, v2Key) });
    const tx = await submitted(v2Key, receipt.lastSeq, () => usage.submitReceipt(msg));
    return { ...(await measure(tx)), lines: receipt.lines.length };
  }

  const rows: string[] = [];
  let dayRatio = Number.POSITIVE_INFINITY;
  let dayV2PerBlock = Number.POSITIVE_INFINITY;
  for (const scenario of SCENARIOS) {
    const v1Orgs = nextOrg;
    const v2Orgs = nextOrg + scenario.orgs;
    nextOrg += 2 * scenario.orgs;
    if (scenario.warm) {
      const dayBefore = { ...scenario, answers: scenario.orgs * scenario.bots };
      await settleV1(answers(v1Key, dayBefore, v1Orgs, 1));
      await settleV2(answers(v2Key, dayBefore, v2Orgs, 1));
    }
    const v1 = await settleV1(answers(v1Key, scenario, v1Orgs));
    const v2 = await settleV2(answers(v2Key, scenario, v2Orgs));
    const figures = (m: Measured) => {
      const gasPerAnswer = m.gas / scenario.answers;
      const perBlock = Math.floor(blockGas / gasPerAnswer);
      return {
        gasPerAnswer,
        bytesPerAnswer: m.bytes / scenario.answers,
        perBlock,
        perSecond: perBlock / BLOCK_SECONDS,
        // uscrt per answer × 10^6 answers / 10^6 uscrt per SCRT
        feePerMillion: gasPerAnswer * gasPrice,
      };
    };
    const a = figures(v1);
    const b = figures(v2);
    const ratio = a.gasPerAnswer / b.gasPerAnswer;
    if (scenario.orgs > 1) {
      dayRatio = Math.min(dayRatio, ratio);
      dayV2PerBlock = Math.min(dayV2PerBlock, b.perBlock);
    }
    const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits });
    const v1Split = v1.txs > 1 ? ` (${v1.txs} batches of ${fmt(BATCH_CEILING)})` : '';
    rows.push(
      `| ${scenario.name} | ${fmt(v1.gas)}${v1Split} / ${fmt(v2.gas)} (${v2.lines} line${v2.lines === 1 ? '' : 's'}) | ${fmt(a.gasPerAnswer, 1)} / ${fmt(b.gasPerAnswer, 1)} | ${fmt(a.bytesPerAnswer, 1)} / ${fmt(b.bytesPerAnswer, 1)} | ${fmt(a.perBlock)} / ${fmt(b.perBlock)} | ${fmt(a.perSecond)} / ${fmt(b.perSecond)} | ${fmt(a.feePerMillion, 2)} / ${fmt(b.feePerMillion, 2)} | ${fmt(ratio, 1)}× |`,
    );
    console.log(rows[rows.length - 1]);
  }

  const consensus = (await (await fetch(`${chain.rpcUrl}/consensus_params`)).json()) as {
    result: { consensus_params: { block: { max_gas: string; max_bytes: string } } };
  };
  const { max_gas, max_bytes } = consensus.result.consensus_params.block;
  const table = [
    `## Settlement gas: v1 batches vs v2 receipts on a wasmd node (${new Date().toISOString().slice(0, 10)})`,
    '',
    `\`npx tsx scripts/bench/settlement-gas.ts --write\` on wasmd v0.61.15 (one validator, this`,
    `machine), the usage contract's vanilla wasm. Block gas limit ${Number(max_gas).toLocaleString('en')} (set in the node's`,
    `genesis by the benchmark; wasmd's default is none), block max bytes ${Number(max_bytes).toLocaleString('en')}; gas price ${gasPrice} uscrt`,
    `(the node's minimum); ${BLOCK_SECONDS} s blocks for answers/s. Gas is the node's \`gas_used\` (fee and`,
    'signature ante handlers, 10 gas per tx byte, contract execution and storage); bytes are the',
    'stored tx. Every run writes fresh counters (org ids no earlier run used). v1 above the',
    `contract's batch ceiling of ${BATCH_CEILING.toLocaleString('en')} is split into batches of ${BATCH_CEILING.toLocaleString('en')}. Each cell: v1 / v2.`,
    '',
    '| answers | gas | gas per answer | tx bytes per answer | answers per block per signer | answers/s per signer | fee per million answers (SCRT) | v1/v2 gas |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Goals (issue 13), on the worse of the two realistic days: v2 ≥ 20× less gas per answer than v1:`,
    `${dayRatio >= 20 ? 'met' : 'missed'} (${dayRatio.toFixed(1)}×); one signer settles ≥ 10,000 answers per block:`,
    `${dayV2PerBlock >= 10_000 ? 'met' : 'missed'} (${dayV2PerBlock.toLocaleString('en')}).`,
    '',
  ].join('\n');
  console.log(`\n${table}`);
  if (values.write) appendFileSync(join(repoRoot, 'scripts/bench/RESULTS.md'), `\n${table}`);
} finally {
  await chain.close();
}
