/**
 * Settlement v2 end to end on the chain the stack runs (the devnet, or wasmd with
 * PRIVEXBOT_TEST_CHAIN=wasmd): a real gateway's answers, a receipt it signs for their range,
 * checked by the relayer's check against the attestations it fetched, settled by the usage
 * contract's `submit_receipt`; the same receipt again after a lost answer is refused by the
 * contract (nothing counted twice), and the next range continues from the chain's last settled
 * sequence (nothing skipped). The on-chain sums equal the attested sums.
 */

import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayFeed } from '@privexbot/relayer/gateway/gateway-feed';
import { checkGatewayReceipt } from '@privexbot/relayer/pipeline/check-gateway-receipt';
import { verifyFeedPage } from '@privexbot/relayer/pipeline/verify-feed-page';
import { connectSigningClient } from '@privexbot/schema/chain/connect';
import { ContractError } from '@privexbot/schema/chain/errors';
import { billingClient, usageClient } from '@privexbot/schema/contracts';
import { encodeSubmitReceipt, receiptFromJson } from '@privexbot/schema/receipt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FEED_TOKEN,
  freePort,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
} from './relayer-stack.js';

describe('settlement v2: receipts on chain', () => {
  let stack: RelayerStack;
  let gateway: GatewayProcess;
  let feed: GatewayFeed;
  let org: number;

  beforeAll(async () => {
    stack = await startRelayerStack();
    gateway = await stack.startGateway('gw-receipts');
    await stack.registerSigner(gateway.signer);
    ({ orgId: org } = await billingClient(stack.operator, stack.billing).createOrg('Receipts'));
    for (let i = 0; i < 10; i++) await gateway.chat(BigInt(org), i);
    feed = new GatewayFeed({ url: gateway.url, token: FEED_TOKEN });
  });
  afterAll(() => stack?.close());

  const signerBase64 = () => Buffer.from(gateway.signer, 'hex').toString('base64');
  const lastSeq = async () =>
    BigInt(
      (
        await stack.relayerChain.query<{ last_seq: string }>(stack.usage, {
          last_seq: { signer: signerBase64() },
        })
      ).last_seq,
    );

  /** What the relayer does for one range: fetch, verify, ask, check, submit. */
  async function settle(first: bigint, last: bigint) {
    const page = await feed.page(first - 1n, Number(last - first + 1n));
    const verified = verifyFeedPage({
      signer: gateway.signer,
      nextSeq: first,
      entries: page.attestations,
      now: Date.now(),
    });
    expect(verified.rejection).toBeUndefined();
    const receipt = checkGatewayReceipt(await feed.receipt(first, last), verified.accepted);
    const msg = encodeSubmitReceipt(receiptFromJson(receipt));
    return {
      receipt,
      msg,
      submit: () => usageClient(stack.relayerChain, stack.usage).execute('submit_receipt', msg),
    };
  }

  it('settles a range with one receipt, and refuses the same receipt a second time', async () => {
    const { receipt, submit } = await settle(1n, 6n);
    const tx = await submit();
    const attribute = (key: string) =>
      tx.events.flatMap((e) => e.attributes).find((a) => a.key === key)?.value;
    expect(attribute('receipt_hash')).toBe(receipt.hash);
    expect(await lastSeq()).toBe(6n);
    // a crash between submit and record: the relayer asks again, gets the same receipt, and
    // the contract refuses it; the chain's last sequence says where to continue
    const again = await settle(1n, 6n);
    expect(again.receipt).toEqual(receipt);
    await expect(again.submit()).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
    expect(await lastSeq()).toBe(6n);
  });

  it('loses nothing when the chain node answers a 404 page, times out or is down: the same receipt settles once after', async () => {
    const next = await lastSeq();
    const { receipt, msg } = await settle(next + 1n, 8n);
    const html = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>404 Not Found</body></html>');
    });
    const hanging = createServer(() => {
      // never answers
    });
    for (const server of [html, hanging]) {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    }
    const url = (server: typeof html) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const broken = async (endpoint: string) => {
      const connection =
        stack.chainKind === 'wasmd'
          ? {
              adapter: 'cosmwasm' as const,
              rpcUrl: endpoint,
              gasPrice: stack.relayerChainEnv.RELAYER_GAS_PRICE as string,
              addressPrefix: stack.relayerChainEnv.RELAYER_ADDRESS_PREFIX as string,
            }
          : { adapter: 'devnet' as const, url: endpoint };
      const client = await connectSigningClient(connection, stack.relayerMnemonic, {
        fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(1_000) }),
      });
      return usageClient(client, stack.usage).execute('submit_receipt', msg);
    };
    try {
      for (const endpoint of [url(html), url(hanging), `http://127.0.0.1:${await freePort()}`]) {
        const error = await Promise.race([
          broken(endpoint).then(
            () => undefined,
            (caught: unknown) => caught,
          ),
          new Promise((resolve) => setTimeout(() => resolve(new Error('timed out')), 15_000)),
        ]);
        // not a contract refusal: the relayer's loop reconciles with the chain before resubmitting
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(ContractError);
        expect(await lastSeq()).toBe(next);
      }
    } finally {
      hanging.closeAllConnections();
      for (const server of [html, hanging]) server.close();
    }
    // reconcile: the chain still says `next`, so the same range is asked again and settles once
    const again = await settle(next + 1n, 8n);
    expect(again.receipt).toEqual(receipt);
    await again.submit();
    expect(await lastSeq()).toBe(8n);
  });

  it('continues from the chain’s last settled sequence; on-chain sums equal the attested sums', async () => {
    const next = await lastSeq();
    await (await settle(next + 1n, 10n)).submit();
    expect(await lastSeq()).toBe(10n);
    const attested = await gateway.allAttestations();
    const totals = await stack.relayerChain.query<{
      receipts: number;
      counters: { messages: string; prompt_tokens: string; completion_tokens: string };
    }>(stack.usage, { totals: {} });
    expect(totals.receipts).toBe(3);
    expect(totals.counters.messages).toBe('10');
    const sum = (field: string) => attested.reduce((s, a) => s + BigInt(a[field] as number), 0n).toString();
    expect(totals.counters.prompt_tokens).toBe(sum('prompt_tokens'));
    expect(totals.counters.completion_tokens).toBe(sum('completion_tokens'));
  });
});
