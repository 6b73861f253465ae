import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mnemonicSigner, verifyArbitrarySignature, walletArbitrarySigner } from './arbitrary-signer.js';
import { canonicalJson } from './canonical-json.js';
import { devOnlyAccount } from './dev-accounts.js';
import { type DevnetTx, devnetSignBytes } from './devnet-envelope.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":1}]},"b":1}',
    );
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
  });

  it('parses back to the same value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        const reversed = JSON.parse(text, (_key, item) =>
          item && typeof item === 'object' && !Array.isArray(item)
            ? Object.fromEntries(Object.entries(item).reverse())
            : item,
        );
        expect(canonicalJson(reversed)).toBe(text);
      }),
    );
  });
});

describe('ADR-36 devnet envelopes', () => {
  const tx: DevnetTx = {
    chain_id: 'privexbot-devnet-1',
    contract: 'secret1kpjz6jsyxg0wd5r5hhyquawgt3zva34m5vz8r9',
    msg: { transfer: { recipient: devOnlyAccount('bob').address, amount: '1' } },
    funds: [],
    nonce: 'nonce-0001',
  };

  it('signs exactly {chain_id, contract, msg, funds, nonce}, and memo only when set', () => {
    expect(devnetSignBytes(tx)).toBe(
      `{"chain_id":"privexbot-devnet-1","contract":"${tx.contract}","funds":[],"msg":{"transfer":{"amount":"1","recipient":"${devOnlyAccount('bob').address}"}},"nonce":"nonce-0001"}`,
    );
    expect(devnetSignBytes({ ...tx, memo: '' })).toBe(devnetSignBytes(tx));
    expect(devnetSignBytes({ ...tx, memo: 'hi' })).toContain('"memo":"hi"');
  });

  it('verifies a mnemonic signature, and refuses other data, other signers and other prefixes', async () => {
    const alice = await mnemonicSigner(devOnlyAccount('alice').mnemonic);
    const data = devnetSignBytes(tx);
    const signature = await alice.signArbitrary(tx.chain_id, data);
    expect(verifyArbitrarySignature({ prefix: 'secret', signer: alice.address, data, signature })).toBe(true);
    expect(
      verifyArbitrarySignature({ prefix: 'secret', signer: alice.address, data: `${data} `, signature }),
    ).toBe(false);
    expect(
      verifyArbitrarySignature({ prefix: 'secret', signer: devOnlyAccount('bob').address, data, signature }),
    ).toBe(false);
    expect(verifyArbitrarySignature({ prefix: 'cosmos', signer: alice.address, data, signature })).toBe(
      false,
    );
    const garbage = { ...signature, signature: 'AAAA' };
    expect(
      verifyArbitrarySignature({ prefix: 'secret', signer: alice.address, data, signature: garbage }),
    ).toBe(false);
  });

  it('wraps a Keplr-style signArbitrary(chainId, signer, data) function', async () => {
    const alice = await mnemonicSigner(devOnlyAccount('alice').mnemonic);
    const calls: string[][] = [];
    const keplrLike = walletArbitrarySigner(alice.address, async (chainId, signer, data) => {
      calls.push([chainId, signer, data]);
      return alice.signArbitrary(chainId, data);
    });
    const signature = await keplrLike.signArbitrary('privexbot-devnet-1', 'hello');
    expect(calls).toEqual([['privexbot-devnet-1', alice.address, 'hello']]);
    expect(
      verifyArbitrarySignature({ prefix: 'secret', signer: alice.address, data: 'hello', signature }),
    ).toBe(true);
  });
});
