import { connectRelayerChain } from '@privexbot/relayer/chain/connect-relayer-chain';
import { submitAndConfirm } from '@privexbot/relayer/chain/usage-settlement';
import { loadRelayerConfig } from '@privexbot/relayer/config/load-relayer-config';
import { attestationFromJsonOf } from '@privexbot/relayer/testing/make-attestations';
import { encodeSubmitBatch } from '@privexbot/schema/attestation';
import { devOnlyAccount } from '@privexbot/schema/chain';
import { type SecretLcdStandIn, serveSecretLcd } from '@privexbot/schema/chain/testing/serve-secret-lcd';
import { usageClient } from '@privexbot/schema/contracts';
import { addressToBytes } from 'secretjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The relayer's configuration → ChainClient path for the chains that cannot run here
 * (LocalSecret needs Docker, and there is no CosmWasm node): the Secret adapter against a
 * local LCD stand-in that decrypts what it receives like the enclave, and the CosmWasm
 * adapter up to its connection.
 */
const usage = 'secret1kpjz6jsyxg0wd5r5hhyquawgt3zva34m5vz8r9';
const usageHash = 'af74387e276be8874f07bec3a87023ee49b0e7ebe08178c49d0a49c3c98ed60e';
const relayerAccount = devOnlyAccount('relayer');
const common = {
  RELAYER_GATEWAYS: JSON.stringify([{ url: 'http://inference:8787', token: 'feed-token-0123456789' }]),
  USAGE_CONTRACT: usage,
  RELAYER_MNEMONIC: relayerAccount.mnemonic,
  DATABASE_URL: 'postgresql://privexbot@postgres:5432/privexbot',
};

let lcd: SecretLcdStandIn;
beforeAll(async () => {
  lcd = await serveSecretLcd({
    eventsFor: (execute) => [
      {
        type: 'wasm',
        attributes: [
          { key: 'contract_address', value: usage },
          { key: 'action', value: 'submit_batch' },
          { key: 'batch_id', value: String(40 + lcd.executes.indexOf(execute)) },
        ],
      },
    ],
  });
});
afterAll(() => lcd.close());

describe('relayer on Secret Network (compose environment)', () => {
  it('submits the exact submit_batch message, with the code hash, and reads the batch id', async () => {
    // What docker-compose gives the relayer: the adapter and LCD, plus the deployment file's variables.
    const config = loadRelayerConfig({
      ...common,
      RELAYER_CHAIN_ADAPTER: 'secret',
      RELAYER_CHAIN_URL: lcd.url,
      CHAIN_ID: 'secretdev-1',
      USAGE_CODE_HASH: usageHash,
      RELAYER_CONFIRM_POLL_MS: '100',
    });
    const { client, address } = await connectRelayerChain(config.chain);
    expect(address).toBe(relayerAccount.address);
    expect(client.chainId).toBe('secretdev-1');

    const contract = usageClient(client, config.chain.usageContract);
    const msg = encodeSubmitBatch([1n, 2n, 3n].map((seq) => attestationFromJsonOf(7, seq)));
    const { id: batchId, tx } = await submitAndConfirm(contract, { submit_batch: msg });
    expect(batchId).toBe(40n);
    expect(tx.height).toBeGreaterThan(0);

    const [sent] = lcd.executes;
    expect(sent?.plaintext).toBe(`${usageHash}${JSON.stringify({ submit_batch: msg })}`);
    expect(sent?.sender).toEqual(addressToBytes(relayerAccount.address));
    expect(sent?.contract).toEqual(addressToBytes(usage));
    expect(sent?.gasLimit).toBe(3_000_000n);

    // The next batch is a new transaction with the account's next sequence.
    const next = await submitAndConfirm(contract, {
      submit_batch: encodeSubmitBatch([attestationFromJsonOf(7, 4n)]),
    });
    expect(next.id).toBe(41n);
    expect(lcd.executes[1]?.sequence).toBe((sent?.sequence ?? 0n) + 1n);
  });
});

describe('relayer on a CosmWasm chain', () => {
  it('builds its client from the configuration and reports an unreachable node as a retryable chain error', async () => {
    const config = loadRelayerConfig({
      ...common,
      RELAYER_CHAIN_ADAPTER: 'cosmwasm',
      RELAYER_CHAIN_URL: 'http://127.0.0.1:9',
      RELAYER_GAS_PRICE: '0.025ustake',
      RELAYER_ADDRESS_PREFIX: 'wasm',
    });
    await expect(connectRelayerChain(config.chain)).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });
});
