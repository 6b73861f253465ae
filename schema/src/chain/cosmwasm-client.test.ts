import { SigningCosmWasmClient } from '@cosmjs/cosmwasm-stargate';
import { Secp256k1, Secp256k1Signature, sha256, stringToPath } from '@cosmjs/crypto';
import { fromUtf8 } from '@cosmjs/encoding';
import { DirectSecp256k1HdWallet, makeSignBytes, makeSignDoc } from '@cosmjs/proto-signing';
import { describe, expect, it } from 'vitest';
import { SECRET_HD_PATH } from './arbitrary-signer.js';
import { buildExecuteMessage, connectCosmWasm, feeFor, parseGasPrice } from './cosmwasm-client.js';
import { devOnlyAccount } from './dev-accounts.js';
import { InvalidRequestError, NetworkError } from './errors.js';
import { cw20SendMsg } from './token-messages.js';

const token = 'secret1kpjz6jsyxg0wd5r5hhyquawgt3zva34m5vz8r9';
const billing = 'secret1qxxlalvsdjd07p07y3rc5fu6ll8k4tmetpha8n';

describe('CosmWasm adapter: messages', () => {
  it('builds a MsgExecuteContract with JSON bytes and funds', () => {
    const message = buildExecuteMessage({
      sender: devOnlyAccount('alice').address,
      contract: billing,
      msg: { deposit: { org_id: 3 } },
      funds: [{ denom: 'uscrt', amount: '10' }],
    });
    expect(message.typeUrl).toBe('/cosmwasm.wasm.v1.MsgExecuteContract');
    expect(JSON.parse(fromUtf8(message.value.msg as Uint8Array))).toEqual({ deposit: { org_id: 3 } });
    expect(message.value.funds).toEqual([{ denom: 'uscrt', amount: '10' }]);
  });

  it('signs a cw20 send offline into a transaction whose body and signature verify', async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(devOnlyAccount('alice').mnemonic, {
      prefix: 'secret',
      hdPaths: [stringToPath(SECRET_HD_PATH)],
    });
    const [account] = await wallet.getAccounts();
    const sender = account?.address as string;
    const send = cw20SendMsg({
      recipient: billing,
      amount: '9990000',
      msg: { subscribe: { org_id: 1, plan_id: 2, periods: 1 } },
    });
    const message = buildExecuteMessage({ sender, contract: token, msg: send });
    const signer = await SigningCosmWasmClient.offline(wallet);
    const fee = feeFor(100_000, parseGasPrice('0.1uscrt'));
    const txRaw = await signer.sign(sender, [message], fee, 'renewal', {
      accountNumber: 7,
      sequence: 3,
      chainId: 'wasm-local-1',
    });

    const body = signer.registry.decodeTxBody(txRaw.bodyBytes);
    expect(body.memo).toBe('renewal');
    expect(body.messages).toHaveLength(1);
    const executed = body.messages[0] as unknown as { sender: string; contract: string; msg: Uint8Array };
    expect(executed.sender).toBe(sender);
    expect(executed.contract).toBe(token);
    expect(JSON.parse(fromUtf8(executed.msg))).toEqual(send);

    const signBytes = makeSignBytes(makeSignDoc(txRaw.bodyBytes, txRaw.authInfoBytes, 'wasm-local-1', 7));
    const signature = Secp256k1Signature.fromFixedLength(txRaw.signatures[0] as Uint8Array);
    expect(await Secp256k1.verifySignature(signature, sha256(signBytes), account?.pubkey as Uint8Array)).toBe(
      true,
    );
    const otherChain = makeSignBytes(makeSignDoc(txRaw.bodyBytes, txRaw.authInfoBytes, 'secret-4', 7));
    expect(
      await Secp256k1.verifySignature(signature, sha256(otherChain), account?.pubkey as Uint8Array),
    ).toBe(false);
  });
});

describe('CosmWasm adapter: fees and connection', () => {
  it('parses gas prices and computes a fee with a 1.4 margin, rounded up', () => {
    expect(parseGasPrice('0.025ustake')).toEqual({ amount: 0.025, denom: 'ustake' });
    expect(() => parseGasPrice('cheap')).toThrow(InvalidRequestError);
    expect(feeFor(100_000, { amount: 0.025, denom: 'ustake' })).toEqual({
      amount: [{ denom: 'ustake', amount: '3500' }],
      gas: '140000',
    });
    expect(feeFor(1, { amount: 0.1, denom: 'uscrt' })).toEqual({
      amount: [{ denom: 'uscrt', amount: '1' }],
      gas: '2',
    });
  });

  it('reports an unreachable node as a NetworkError', async () => {
    await expect(connectCosmWasm({ rpcUrl: 'http://127.0.0.1:9' })).rejects.toBeInstanceOf(NetworkError);
  });
});
