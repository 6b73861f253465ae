import { randomBytes } from 'node:crypto';
import { Secp256k1Wallet } from '@cosmjs/amino';
import { makeADR36AminoSignDoc } from '@keplr-wallet/cosmos';

/** A real secp256k1 key that signs like Keplr's signArbitrary (ADR-36 amino sign doc). */
export interface TestWallet {
  address: string;
  /** base64 compressed public key */
  pubKey: string;
  /** base64 signature over the ADR-36 sign doc of `message` */
  signArbitrary(message: string): Promise<string>;
}

export async function createTestWallet(prefix = 'secret'): Promise<TestWallet> {
  const wallet = await Secp256k1Wallet.fromKey(randomBytes(32), prefix);
  const [account] = await wallet.getAccounts();
  if (!account) throw new Error('wallet has no account');
  return {
    address: account.address,
    pubKey: Buffer.from(account.pubkey).toString('base64'),
    async signArbitrary(message) {
      const signDoc = makeADR36AminoSignDoc(account.address, message);
      const { signature } = await wallet.signAmino(account.address, signDoc);
      return signature.signature;
    },
  };
}
