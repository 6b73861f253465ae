// The documented way to give a real browser a Keplr: the injection bundle, in Chromium, signing
// with a real key that the api's verifier accepts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { devOnlyAccount, type StdSignature, verifyArbitrarySignature } from '@privexbot/schema/chain';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKeplrInjection } from './build-keplr-injection.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const alice = devOnlyAccount('alice');
const bob = devOnlyAccount('bob');

let browser: Browser;
let server: Server;
let pageUrl: string;
let injection: string;

beforeAll(async () => {
  injection = await buildKeplrInjection();
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>host</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('the dev-Keplr injection in Chromium', () => {
  it('installs window.keplr, which signs ADR-36 documents the api accepts and follows account switches', async () => {
    const page = await browser.newPage();
    await page.addInitScript(
      `window.__PRIVEXBOT_DEV_KEPLR__ = ${JSON.stringify({ mnemonic: alice.mnemonic, label: 'alice' })};`,
    );
    await page.addInitScript({ content: injection });
    await page.goto(pageUrl);
    await page.waitForFunction(() => Boolean((window as { keplr?: unknown }).keplr));

    const signed = await page.evaluate(async () => {
      const keplr = (
        window as unknown as {
          keplr: {
            getKey(c: string): Promise<{ bech32Address: string; name: string }>;
            signArbitrary(c: string, s: string, d: string): Promise<unknown>;
          };
        }
      ).keplr;
      const key = await keplr.getKey('secretdev-1');
      const signature = await keplr.signArbitrary('secretdev-1', key.bech32Address, 'sign in, please');
      return { address: key.bech32Address, name: key.name, signature };
    });
    expect(signed.address).toBe(alice.address);
    expect(signed.name).toBe('DEV KEY: alice');
    expect(
      verifyArbitrarySignature({
        prefix: 'secret',
        signer: alice.address,
        data: 'sign in, please',
        signature: signed.signature as StdSignature,
      }),
    ).toBe(true);

    const afterSwitch = await page.evaluate(async (mnemonic) => {
      const changed = new Promise<void>((resolve) =>
        window.addEventListener('keplr_keystorechange', () => resolve(), { once: true }),
      );
      const w = window as unknown as {
        __privexbotSwitchDevKey(o: { mnemonic: string; label: string }): Promise<void>;
        keplr: { getKey(c: string): Promise<{ bech32Address: string }> };
      };
      await w.__privexbotSwitchDevKey({ mnemonic, label: 'bob' });
      await changed;
      return (await w.keplr.getKey('secretdev-1')).bech32Address;
    }, bob.mnemonic);
    expect(afterSwitch).toBe(bob.address);
    await page.close();
  });
});
