/**
 * Settlement v2 at the relayer ↔ gateway boundary, against a real gateway process: the relayer
 * asks for a receipt over a range it fetched, checks it against those very attestations, and
 * gets the same receipt again after a disconnect or a kill -9 of the gateway. A misbehaving
 * gateway (a receipt whose deltas its attestations do not add up to) is caught; a gateway that
 * is down, answers a 404 page or never answers is retried, and its refusals are classified.
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayFeed } from '@privexbot/relayer/gateway/gateway-feed';
import { checkGatewayReceipt } from '@privexbot/relayer/pipeline/check-gateway-receipt';
import { type VerifiedAttestation, verifyFeedPage } from '@privexbot/relayer/pipeline/verify-feed-page';
import {
  attestationToJson,
  generateSignerKey,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import { buildReceipt, receiptToJson, signReceipt } from '@privexbot/schema/receipt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_TOKEN, freePort, GatewayProcess } from './relayer-stack.js';

const ORG = 41n;

async function fetchVerified(feed: GatewayFeed, signer: string, first: bigint, last: bigint) {
  const page = await feed.page(first - 1n, Number(last - first + 1n));
  const verified = verifyFeedPage({ signer, nextSeq: first, entries: page.attestations, now: Date.now() });
  expect(verified.rejection).toBeUndefined();
  return verified.accepted;
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('receipts from a real gateway', () => {
  let gateway: GatewayProcess;
  let feed: GatewayFeed;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'privexbot-receipts-'));
    gateway = new GatewayProcess(await freePort(), join(dir, 'gateway'));
    await gateway.start();
    for (let i = 0; i < 9; i++) await gateway.chat(ORG + BigInt(i % 2), i);
    feed = new GatewayFeed({ url: gateway.url, token: FEED_TOKEN });
  });
  afterAll(async () => {
    await gateway?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs a range the relayer then checks against the attestations it fetched', async () => {
    const items = await fetchVerified(feed, gateway.signer, 1n, 6n);
    const receipt = await feed.receipt(1n, 6n);
    expect(checkGatewayReceipt(receipt, items)).toBe(receipt);
    expect(receipt.lines.reduce((n, line) => n + Number(line.messages), 0)).toBe(6);
    expect(await feed.receipt(1n, 6n)).toEqual(receipt);
  });

  it('keeps one receipt per range when the relayer disconnects mid-request or the gateway is killed', async () => {
    // the relayer gives up right after sending: the gateway still signs (or not) exactly once
    await fetch(`${gateway.url}/receipts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FEED_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ first_seq: '7', last_seq: '9' }),
      signal: AbortSignal.timeout(1),
    }).catch(() => undefined);
    const receipt = await feed.receipt(7n, 9n);
    expect(checkGatewayReceipt(receipt, await fetchVerified(feed, gateway.signer, 7n, 9n))).toBe(receipt);
    await gateway.kill();
    await gateway.start();
    expect(await feed.receipt(7n, 9n)).toEqual(receipt);
    const file = readFileSync(join(dir, 'gateway', `receipts-${gateway.signer}.jsonl`), 'utf8');
    expect(
      file
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).first_seq),
    ).toEqual(['1', '7']);
  });

  it('classifies the gateway refusals: not attested yet → retry, overlap or gap → reconcile', async () => {
    await expect(feed.receipt(10n, 12n)).rejects.toMatchObject({
      code: 'GATEWAY_RANGE_NOT_ATTESTED',
      failureClass: 'retry',
    });
    await expect(feed.receipt(5n, 9n)).rejects.toMatchObject({
      code: 'GATEWAY_RECEIPT_CONFLICT',
      failureClass: 'reconcile',
    });
    await gateway.chat(ORG, 99);
    await gateway.chat(ORG, 100);
    await expect(feed.receipt(11n, 11n)).rejects.toMatchObject({
      code: 'GATEWAY_RECEIPT_NOT_CONTIGUOUS',
      failureClass: 'reconcile',
    });
  });
});

describe('a gateway that misbehaves or fails', () => {
  it('is caught when it signs deltas its attestations do not add up to', async () => {
    const key = generateSignerKey();
    const signer = Buffer.from(signerPublicKey(key)).toString('hex');
    const attestations = Array.from({ length: 4 }, (_, i) => ({
      v: 1 as const,
      signer: signerPublicKey(key),
      seq: BigInt(i + 1),
      org: 7n,
      bot: '123e4567-e89b-12d3-a456-426614174000',
      ts: BigInt(Math.floor(Date.now() / 1000)),
      promptTokens: 100,
      completionTokens: 20,
      reqHash: new Uint8Array(32).fill(i),
      model: 'm',
    }));
    const honest = buildReceipt(attestations);
    // one more prompt token billed to the org than its answers used, count and root untouched
    const forged = {
      ...honest,
      lines: honest.lines.map((l) => ({ ...l, promptTokens: l.promptTokens + 1n })),
    };
    const { url, server } = await serve((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (path === '/attestations') {
        res.end(
          JSON.stringify({
            signer,
            last_seq: '4',
            next_after: '4',
            attestations: attestations.map((a) =>
              attestationToJson({ attestation: a, signature: signAttestation(a, key) }),
            ),
          }),
        );
      } else {
        res.end(JSON.stringify(receiptToJson({ receipt: forged, signature: signReceipt(forged, key) })));
      }
    });
    try {
      const lying = new GatewayFeed({ url, token: FEED_TOKEN });
      const items: VerifiedAttestation[] = await fetchVerified(lying, signer, 1n, 4n);
      const receipt = await lying.receipt(1n, 4n);
      expect(() => checkGatewayReceipt(receipt, items)).toThrow(
        expect.objectContaining({
          code: 'RECEIPT_MISMATCH',
          failureClass: 'fatal',
          message: expect.stringContaining(`receipt ${signer} 1..4 (${receipt.hash}): org 7`),
        }),
      );
    } finally {
      server.close();
    }
  });

  it('is retried when it is down, answers a 404 page, or never answers', async () => {
    const down = new GatewayFeed({ url: `http://127.0.0.1:${await freePort()}`, token: FEED_TOKEN });
    await expect(down.receipt(1n, 1n)).rejects.toMatchObject({
      code: 'GATEWAY_UNREACHABLE',
      failureClass: 'retry',
    });
    const html = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
    });
    const silent = await serve(() => {
      // holds the request open: a gateway that hangs
    });
    try {
      await expect(
        new GatewayFeed({ url: html.url, token: FEED_TOKEN }).receipt(1n, 1n),
      ).rejects.toMatchObject({
        code: 'GATEWAY_ERROR',
        failureClass: 'retry',
      });
      const slow = new GatewayFeed({ url: silent.url, token: FEED_TOKEN }, undefined, 300);
      await expect(slow.receipt(1n, 1n)).rejects.toMatchObject({
        code: 'GATEWAY_UNREACHABLE',
        failureClass: 'retry',
      });
    } finally {
      html.server.close();
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });
});
