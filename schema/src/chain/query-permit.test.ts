import { SecretNetworkClient, Wallet } from 'secretjs';
import { describe, expect, it } from 'vitest';
import { mnemonicSigner } from './arbitrary-signer.js';
import { devOnlyAccount } from './dev-accounts.js';
import { UnauthorizedError } from './errors.js';
import { signQueryPermit, verifyQueryPermit } from './query-permit.js';

const usage = 'secret1kpjz6jsyxg0wd5r5hhyquawgt3zva34m5vz8r9';
const other = 'secret1qxxlalvsdjd07p07y3rc5fu6ll8k4tmetpha8n';

describe('SNIP-24 query permits (secretjs utilities)', async () => {
  const alice = await mnemonicSigner(devOnlyAccount('alice').mnemonic);
  const permit = await signQueryPermit(alice.wallet, {
    owner: alice.address,
    chainId: 'secretdev-1',
    permitName: 'dashboard',
    allowedContracts: [usage],
    permissions: ['usage'],
  });

  it('signs the SNIP-24 document with the owner key', () => {
    expect(permit.params).toEqual({
      permit_name: 'dashboard',
      allowed_tokens: [usage],
      chain_id: 'secretdev-1',
      permissions: ['usage'],
    });
    expect(permit.signature.pub_key.type).toBe('tendermint/PubKeySecp256k1');
    expect(() =>
      verifyQueryPermit(permit, { address: alice.address, contract: usage, permissions: ['usage'] }),
    ).not.toThrow();
  });

  it('refuses another contract, another permission, another owner and a tampered permit', () => {
    const expectRefused = (fn: () => void, reason: RegExp) => {
      expect(fn).toThrow(UnauthorizedError);
      expect(fn).toThrow(reason);
    };
    expectRefused(
      () => verifyQueryPermit(permit, { address: alice.address, contract: other, permissions: ['usage'] }),
      /not allowed/,
    );
    expectRefused(
      () => verifyQueryPermit(permit, { address: alice.address, contract: usage, permissions: ['owner'] }),
      /permissions/,
    );
    expectRefused(
      () =>
        verifyQueryPermit(permit, {
          address: devOnlyAccount('bob').address,
          contract: usage,
          permissions: ['usage'],
        }),
      /not the permit signer/,
    );
    const tampered = { ...permit, params: { ...permit.params, allowed_tokens: [usage, other] } };
    expectRefused(
      () => verifyQueryPermit(tampered, { address: alice.address, contract: other, permissions: ['usage'] }),
      /Signature invalid/,
    );
  });

  it('agrees with SecretNetworkClient.utils.accessControl.permit both ways', async () => {
    const wallet = new Wallet(devOnlyAccount('alice').mnemonic);
    expect(wallet.address).toBe(alice.address);
    // no request is made: permits are signed and verified locally
    const secret = new SecretNetworkClient({
      url: 'http://127.0.0.1:1',
      chainId: 'secretdev-1',
      wallet,
      walletAddress: wallet.address,
    });
    expect(
      secret.utils.accessControl.permit.verify(permit as never, alice.address, usage, ['usage' as never]),
    ).toBe(true);
    const bySecretjs = await secret.utils.accessControl.permit.sign(
      alice.address,
      'secretdev-1',
      'auditor',
      [usage],
      ['owner'],
      false, // sign with the wallet, not window.keplr
    );
    expect(() =>
      verifyQueryPermit(bySecretjs, { address: alice.address, contract: usage, permissions: ['owner'] }),
    ).not.toThrow();
    expect(bySecretjs.signature.pub_key).toEqual(permit.signature.pub_key);
    expect(() =>
      verifyQueryPermit(bySecretjs, {
        address: devOnlyAccount('bob').address,
        contract: usage,
        permissions: ['owner'],
      }),
    ).toThrow(UnauthorizedError);
  });
});
