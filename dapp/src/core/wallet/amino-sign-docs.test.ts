import { Secp256k1HdWallet, serializeSignDoc } from '@cosmjs/amino';
import { stringToPath } from '@cosmjs/crypto';
import { makeADR36AminoSignDoc } from '@keplr-wallet/cosmos';
import {
  devOnlyAccount,
  SECRET_HD_PATH,
  signQueryPermit,
  verifyArbitrarySignature,
  verifyQueryPermit,
} from '@privexbot/schema/chain';
import { describe, expect, it } from 'vitest';
import { adr36SignDoc, queryPermitSignDoc } from './amino-sign-docs.js';
import { signQueryPermitWith } from './sign-query-permit.js';

const alice = devOnlyAccount('alice');

describe('amino sign documents', () => {
  it('ADR-36: byte for byte what @keplr-wallet/cosmos builds, for text and for bytes', () => {
    for (const data of ['sign in to PrivexBot\nNonce: 1', new Uint8Array([0, 1, 2, 255])]) {
      expect(serializeSignDoc(adr36SignDoc(alice.address, data))).toEqual(
        serializeSignDoc(makeADR36AminoSignDoc(alice.address, data)),
      );
    }
  });

  it('ADR-36: a signature over it verifies with the api’s verifier', async () => {
    const wallet = await Secp256k1HdWallet.fromMnemonic(alice.mnemonic, {
      prefix: 'secret',
      hdPaths: [stringToPath(SECRET_HD_PATH)],
    });
    const data = 'hello devnet';
    const { signature } = await wallet.signAmino(alice.address, adr36SignDoc(alice.address, data));
    expect(verifyArbitrarySignature({ prefix: 'secret', signer: alice.address, data, signature })).toBe(true);
    expect(
      verifyArbitrarySignature({ prefix: 'secret', signer: alice.address, data: 'other', signature }),
    ).toBe(false);
  });

  it('SNIP-24: the permit equals secretjs’s and passes its verification', async () => {
    const wallet = await Secp256k1HdWallet.fromMnemonic(alice.mnemonic, {
      prefix: 'secret',
      hdPaths: [stringToPath(SECRET_HD_PATH)],
    });
    const params = {
      chainId: 'privexbot-devnet-1',
      permitName: 'p',
      allowedTokens: ['secret1usage'],
      permissions: ['usage'],
    };
    const ours = await signQueryPermitWith(wallet, alice.address, params);
    const theirs = await signQueryPermit(wallet, {
      owner: alice.address,
      chainId: params.chainId,
      permitName: params.permitName,
      allowedContracts: params.allowedTokens,
      permissions: params.permissions,
    });
    expect(ours).toEqual(theirs);
    expect(() =>
      verifyQueryPermit(ours, { address: alice.address, contract: 'secret1usage', permissions: ['usage'] }),
    ).not.toThrow();
    expect(serializeSignDoc(queryPermitSignDoc(params)).length).toBeGreaterThan(0);
  });
});
