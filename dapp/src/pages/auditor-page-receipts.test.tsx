// @vitest-environment jsdom
import { vi } from 'vitest';

vi.hoisted(async () => (await import('../testing/use-node-typed-arrays.js')).useNodeTypedArrays());

import { toHex } from '@cosmjs/encoding';
import {
  type Attestation,
  generateSignerKey,
  hashAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import { buildReceipt, encodeSubmitReceipt, receiptToJson, signReceipt } from '@privexbot/schema/receipt';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { executeContract } from '../core/actions/execute-contract.js';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { connectedConfig, devnetForFile, serverForFile } from '../testing/test-setup.js';
import AuditorPage from './auditor-page.js';

// The auditor page over two receipts settled by the devnet's real usage contract, signed by a
// test gateway key registered as a signer; the relayer's public form of each is served here in
// its documented shape (`publicReceiptSchema`), the second with one leaf replaced.
const devnet = devnetForFile();
const published = new Map<string, unknown>();
const relayer = serverForFile((req, res) => {
  const document = published.get(req.url ?? '');
  res.writeHead(document ? 200 : 404, {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
  });
  res.end(JSON.stringify(document ?? { error: { code: 'NOT_FOUND', message: 'not published' } }));
});

describe('auditor page: receipts', () => {
  it('lists each receipt with its range, and fails the one whose published leaves do not rebuild its root, naming it', async () => {
    const key = generateSignerKey();
    const signer = signerPublicKey(key);
    const operator = await connectedConfig('operator', { devnetUrl: devnet().url });
    const relayerAccount = await connectedConfig('relayer', { devnetUrl: devnet().url });
    await executeContract(operator, {
      contract: 'usage',
      msg: {
        register_signer: {
          pubkey: Buffer.from(signer).toString('base64'),
          attestation_hash: Buffer.alloc(32, 7).toString('base64'),
          mode: 'tee',
        },
      },
    });
    const ts = BigInt(Math.floor(Date.now() / 1000) - 3600);
    const attestations: Attestation[] = Array.from({ length: 8 }, (_, i) => ({
      v: 1,
      signer,
      seq: BigInt(i + 1),
      org: 1n,
      bot: '8f14e45f-ceea-467f-a2b8-2c1d2e3f4a5b',
      ts,
      promptTokens: 10 + i,
      completionTokens: i,
      reqHash: new Uint8Array(32).fill(i + 1),
      model: 'm',
    }));
    const hashes = attestations.map((a) => toHex(hashAttestation(a)));
    for (const [id, range] of [attestations.slice(0, 4), attestations.slice(4)].entries()) {
      const receipt = buildReceipt(range);
      const signature = signReceipt(receipt, key);
      await executeContract(relayerAccount, {
        contract: 'usage',
        msg: { submit_receipt: encodeSubmitReceipt({ receipt, signature }) },
      });
      const json = receiptToJson({ receipt, signature });
      const leaves = hashes.slice(id * 4, id * 4 + 4);
      published.set(`/receipts/${id}`, {
        receipt: {
          id: String(id),
          signer: json.signer,
          first_seq: json.first_seq,
          last_seq: json.last_seq,
          count: 4,
          root: json.root,
          receipt_hash: json.hash,
          prompt_tokens: range.reduce((s, a) => s + a.promptTokens, 0).toString(),
          completion_tokens: range.reduce((s, a) => s + a.completionTokens, 0).toString(),
          tx_hash: null,
          height: null,
          origin: 'submitted',
        },
        attestation_hashes: id === 1 ? ['ab'.repeat(32), ...leaves.slice(1)] : leaves,
      });
    }

    const config = await connectedConfig('alice', { devnetUrl: devnet().url, relayerUrl: relayer() });
    renderWithProviders(<AuditorPage />, config);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByTestId('audit-verdict', {}, { timeout: 15_000 })).toHaveTextContent(
      'Fail: 1 problem(s).',
    );
    const table = screen.getByTestId('audit-receipts');
    const first = within(table).getByTestId('audit-receipt-0');
    expect(first).toHaveTextContent(/#0 [0-9a-f]{12}…\s*1–4\s*4\s*1/);
    expect(first).toHaveTextContent('signature, root, count');
    expect(first).toHaveTextContent(/pass$/);
    const second = within(table).getByTestId('audit-receipt-1');
    expect(second).toHaveTextContent('5–8');
    expect(second).toHaveTextContent(
      `fail RECEIPT_ROOT_MISMATCH: receipt 1 (signer ${toHex(signer)}, seq 5..8): the published leaves rebuild root`,
    );
    expect(screen.getByTestId('audit-signers')).toHaveTextContent('TEE, 0 batch(es), 2 receipt(s)');
    expect(screen.getByTestId('audit-unchecked')).toHaveTextContent(/^Not checked: 2 receipt\(s\)/);
  });
});
