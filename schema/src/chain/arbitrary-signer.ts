/**
 * ADR-36 ("sign arbitrary data") signers: what Keplr's `signArbitrary` does in the browser and a
 * mnemonic key does in Node. The devnet and the api's sign-in verify these signatures with
 * `verifyADR36Amino` from @keplr-wallet/cosmos.
 */
import { Secp256k1Wallet, type StdSignature } from '@cosmjs/amino';
import { Bip39, EnglishMnemonic, Slip10, Slip10Curve, stringToPath } from '@cosmjs/crypto';
import { fromBase64 } from '@cosmjs/encoding';
import { makeADR36AminoSignDoc, verifyADR36Amino } from '@keplr-wallet/cosmos';

export type { StdSignature };

export interface ArbitrarySigner {
  readonly address: string;
  /** signs `data` (a UTF-8 string) as ADR-36 `sign/MsgSignData`, like Keplr's `signArbitrary` */
  signArbitrary(chainId: string, data: string): Promise<StdSignature>;
}

/** Keplr's `window.keplr.signArbitrary`, or anything shaped like it (Leap, Cosmostation). */
export type SignArbitraryFunction = (chainId: string, signer: string, data: string) => Promise<StdSignature>;

/** Secret Network's BIP-44 coin type (529), as Keplr and secretcli derive keys. */
export const SECRET_HD_PATH = "m/44'/529'/0'/0/0";
export const SECRET_BECH32_PREFIX = 'secret';

export function walletArbitrarySigner(
  address: string,
  signArbitrary: SignArbitraryFunction,
): ArbitrarySigner {
  return { address, signArbitrary: (chainId, data) => signArbitrary(chainId, address, data) };
}

export interface MnemonicSignerOptions {
  prefix?: string;
  hdPath?: string;
}

/**
 * An amino signer from a mnemonic; it signs ADR-36 documents and, for permits, amino documents.
 * The key is derived once: cosmjs's Secp256k1HdWallet re-derives it on every signature (~60 ms).
 */
export async function mnemonicSigner(
  mnemonic: string,
  options: MnemonicSignerOptions = {},
): Promise<ArbitrarySigner & { wallet: Secp256k1Wallet }> {
  const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(mnemonic));
  const { privkey } = Slip10.derivePath(
    Slip10Curve.Secp256k1,
    seed,
    stringToPath(options.hdPath ?? SECRET_HD_PATH),
  );
  const wallet = await Secp256k1Wallet.fromKey(privkey, options.prefix ?? SECRET_BECH32_PREFIX);
  const [account] = await wallet.getAccounts();
  if (!account) throw new Error('the wallet derived no account');
  const address = account.address;
  return {
    address,
    wallet,
    async signArbitrary(_chainId, data) {
      // ADR-36 documents carry an empty chain id; Keplr ignores its chainId argument for them too.
      const { signature } = await wallet.signAmino(address, makeADR36AminoSignDoc(address, data));
      return signature;
    },
  };
}

/**
 * True when `signature` is `signer`'s ADR-36 signature over `data` and `pubKey` derives
 * `signer` under `prefix`; false otherwise (never throws for bad input).
 */
export function verifyArbitrarySignature(params: {
  prefix: string;
  signer: string;
  data: string;
  signature: StdSignature;
}): boolean {
  try {
    if (params.signature.pub_key.type !== 'tendermint/PubKeySecp256k1') return false;
    return verifyADR36Amino(
      params.prefix,
      params.signer,
      params.data,
      fromBase64(params.signature.pub_key.value),
      fromBase64(params.signature.signature),
    );
  } catch {
    // verifyADR36Amino throws on a prefix or signer mismatch: for us that is simply "not valid".
    return false;
  }
}
