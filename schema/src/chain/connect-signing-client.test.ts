import { SigningCosmWasmClient } from '@cosmjs/cosmwasm-stargate';
import { fromBech32, fromUtf8 } from '@cosmjs/encoding';
import { DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { addressToBytes } from 'secretjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectReadOnlyClient, connectSigningClient, signingAddress } from './connect-signing-client.js';
import { buildExecuteMessage, feeFor, parseGasPrice } from './cosmwasm-client.js';
import { devOnlyAccount } from './dev-accounts.js';
import { NetworkError, SignerRequiredError } from './errors.js';
import { type SecretLcdStandIn, serveSecretLcd } from './testing/serve-secret-lcd.js';

const usage = 'secret1kpjz6jsyxg0wd5r5hhyquawgt3zva34m5vz8r9';
const usageHash = 'af74387e276be8874f07bec3a87023ee49b0e7ebe08178c49d0a49c3c98ed60e';
const relayer = devOnlyAccount('relayer');
const submit = { submit_batch: { signer: 'AoK0', first_seq: '1', attestations: ['AQID'] } };

let lcd: SecretLcdStandIn;
beforeAll(async () => {
  lcd = await serveSecretLcd({
    eventsFor: () => [
      {
        type: 'wasm',
        attributes: [
          { key: 'contract_address', value: usage },
          { key: 'batch_id', value: '12' },
        ],
      },
    ],
  });
});
afterAll(() => lcd.close());

describe('connectSigningClient: Secret Network', () => {
  it('signs as the Secret address of the mnemonic (coin type 529, as Keplr)', async () => {
    expect(
      await signingAddress({ adapter: 'secret', url: lcd.url, chainId: 'secretdev-1' }, relayer.mnemonic),
    ).toBe(relayer.address);
  });

  it('executes with the configured code hash, gas limit and gas price, encrypted for the enclave', async () => {
    const client = await connectSigningClient(
      {
        adapter: 'secret',
        url: lcd.url,
        chainId: 'secretdev-1',
        codeHashes: { [usage]: usageHash.toUpperCase() },
        gasLimit: 2_000_000,
        gasPrice: '0.0125uscrt',
        confirmPollMs: 100,
      },
      relayer.mnemonic,
    );
    expect(client.address).toBe(relayer.address);
    const sent = await client.execute(usage, submit);
    const tx = await client.waitForTx(sent.txHash, { pollIntervalMs: 50 });
    expect(tx.events.flatMap((e) => e.attributes)).toContainEqual({ key: 'batch_id', value: '12' });

    const broadcast = lcd.executes.at(-1);
    expect(broadcast?.txHash).toBe(sent.txHash);
    expect(broadcast?.plaintext).toBe(`${usageHash}${JSON.stringify(submit)}`);
    expect(broadcast?.sender).toEqual(addressToBytes(relayer.address));
    expect(broadcast?.contract).toEqual(addressToBytes(usage));
    expect(broadcast?.gasLimit).toBe(2_000_000n);
    expect(broadcast?.fee).toEqual([{ denom: 'uscrt', amount: '25000' }]);
  });
});

describe('connectSigningClient: CosmWasm chains', () => {
  const connection = {
    adapter: 'cosmwasm' as const,
    rpcUrl: 'http://127.0.0.1:9',
    gasPrice: '0.025ustake',
    addressPrefix: 'wasm',
  };

  it('derives the address with the chain prefix (coin type 118 unless an HD path is given)', async () => {
    const address = await signingAddress(connection, relayer.mnemonic);
    expect(address).toMatch(/^wasm1[0-9a-z]{38}$/);
    const secretPath = await signingAddress({ ...connection, hdPath: "m/44'/529'/0'/0/0" }, relayer.mnemonic);
    // With Secret's path it is the Secret dev account's key under another prefix.
    expect(fromBech32(secretPath).data).toEqual(fromBech32(relayer.address).data);
    expect(fromBech32(address).data).not.toEqual(fromBech32(relayer.address).data);
  });

  it('builds the submit_batch MsgExecuteContract that a signed transaction carries', async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(relayer.mnemonic, { prefix: 'wasm' });
    const sender = await signingAddress(connection, relayer.mnemonic);
    const message = buildExecuteMessage({ sender, contract: 'wasm1usage', msg: submit });
    const signer = await SigningCosmWasmClient.offline(wallet);
    const txRaw = await signer.sign(sender, [message], feeFor(150_000, parseGasPrice('0.025ustake')), '', {
      accountNumber: 1,
      sequence: 0,
      chainId: 'wasm-1',
    });
    const body = signer.registry.decodeTxBody(txRaw.bodyBytes);
    const executed = body.messages[0] as unknown as { sender: string; contract: string; msg: Uint8Array };
    expect(executed.sender).toBe(sender);
    expect(executed.contract).toBe('wasm1usage');
    expect(JSON.parse(fromUtf8(executed.msg))).toEqual(submit);
  });

  it('reports an unreachable node as a NetworkError', async () => {
    await expect(connectSigningClient(connection, relayer.mnemonic)).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('connectSigningClient: devnet', () => {
  it('signs ADR-36 envelopes as the Secret address of the mnemonic', async () => {
    expect(await signingAddress({ adapter: 'devnet', url: 'http://127.0.0.1:9' }, relayer.mnemonic)).toBe(
      relayer.address,
    );
    await expect(
      connectSigningClient({ adapter: 'devnet', url: 'http://127.0.0.1:9' }, relayer.mnemonic),
    ).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('connectReadOnlyClient', () => {
  it('reads without a key: it has no address and refuses to execute', async () => {
    const client = await connectReadOnlyClient({ adapter: 'secret', url: lcd.url, chainId: 'secretdev-1' });
    const broadcastsBefore = lcd.executes.length;
    expect(client.address).toBeUndefined();
    await expect(client.execute(usage, submit)).rejects.toBeInstanceOf(SignerRequiredError);
    expect(lcd.executes).toHaveLength(broadcastsBefore);
  });

  it('reports an unreachable CosmWasm node as a NetworkError', async () => {
    await expect(
      connectReadOnlyClient({ adapter: 'cosmwasm', rpcUrl: 'http://127.0.0.1:9' }),
    ).rejects.toBeInstanceOf(NetworkError);
  });
});
