import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromBase64, fromUtf8, toBase64 } from '@cosmjs/encoding';
import { addressToBytes, EncryptionUtilsImpl } from 'secretjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnemonicSigner } from './arbitrary-signer.js';
import { devOnlyAccount } from './dev-accounts.js';
import { InvalidRequestError, SignerRequiredError, UnauthorizedError } from './errors.js';
import { buildSecretExecuteMsg, connectSecret, normalizeCodeHash } from './secret-client.js';
import { snip20SendMsg } from './token-messages.js';

const billing = 'secret1kpjz6jsyxg0wd5r5hhyquawgt3zva34m5vz8r9';
const token = 'secret1qxxlalvsdjd07p07y3rc5fu6ll8k4tmetpha8n';
const billingHash = 'AF74387E276BE8874F07BEC3A87023EE49B0E7EBE08178C49D0A49C3C98ED60E';
const tokenHash = '0x5a085bd8ed89de92b35134ddd12505a602c7759ea25fb5c089ba03c8535b3042';

/**
 * A local stand-in for a Secret node's LCD, speaking the real REST paths secretjs calls: the
 * consensus IO key (for tx encryption), code hash lookup and bank balance.
 */
let lcd: Server;
let lcdUrl: string;
const lcdHits: string[] = [];
const consensusIoKey = EncryptionUtilsImpl.GenerateNewKeyPair();

beforeAll(async () => {
  lcd = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://lcd');
    lcdHits.push(url.pathname);
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/registration/v1beta1/tx-key')
      return reply(200, { key: toBase64(consensusIoKey.pubkey) });
    if (url.pathname === `/compute/v1beta1/code_hash/by_contract_address/${token}`) {
      return reply(200, { code_hash: tokenHash.slice(2) });
    }
    if (url.pathname.startsWith('/cosmos/bank/v1beta1/balances/')) {
      return reply(200, { balance: { denom: url.searchParams.get('denom'), amount: '4200' } });
    }
    return reply(404, { code: 5, message: `contract not found: ${url.pathname}` });
  });
  await new Promise<void>((resolve) => lcd.listen(0, '127.0.0.1', resolve));
  lcdUrl = `http://127.0.0.1:${(lcd.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => lcd.close(() => resolve())));

describe('Secret adapter: code hashes', () => {
  it('normalizes code hashes to lower-case hex without 0x, and refuses anything else', () => {
    expect(normalizeCodeHash(billingHash)).toBe(billingHash.toLowerCase());
    expect(normalizeCodeHash(tokenHash)).toBe(tokenHash.slice(2));
    expect(() => normalizeCodeHash('abc')).toThrow(InvalidRequestError);
  });

  it('uses the configured code hash, looks up others once, and caches them', async () => {
    const client = connectSecret({
      url: lcdUrl,
      chainId: 'secretdev-1',
      codeHashes: { [billing]: billingHash },
    });
    expect(await client.codeHash(billing)).toBe(billingHash.toLowerCase());
    const before = lcdHits.length;
    expect(await client.codeHash(token)).toBe(tokenHash.slice(2));
    expect(await client.codeHash(token)).toBe(tokenHash.slice(2));
    expect(lcdHits.slice(before)).toEqual([`/compute/v1beta1/code_hash/by_contract_address/${token}`]);
  });

  it('maps an LCD error body to a typed error', async () => {
    const client = connectSecret({ url: lcdUrl, chainId: 'secretdev-1' });
    await expect(client.codeHash('secret1nowhere')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('Secret adapter: messages', () => {
  it('encrypts an execute message for the contract: code hash then JSON, readable with the tx key', async () => {
    const sender = devOnlyAccount('alice').address;
    const msg = buildSecretExecuteMsg({
      sender,
      contract: billing,
      codeHash: billingHash,
      msg: { create_org: { name: 'Acme' } },
      funds: [{ denom: 'uscrt', amount: '5' }],
    });
    const utils = new EncryptionUtilsImpl(lcdUrl);
    const proto = await msg.toProto(utils);
    expect(proto.type_url).toBe('/secret.compute.v1beta1.MsgExecuteContract');
    const value = proto.value as {
      sender: Uint8Array;
      contract: Uint8Array;
      msg: Uint8Array;
      sent_funds: unknown;
    };
    expect(value.sender).toEqual(addressToBytes(sender));
    expect(value.contract).toEqual(addressToBytes(billing));
    expect(value.sent_funds).toEqual([{ denom: 'uscrt', amount: '5' }]);
    // ciphertext layout: nonce(32) | sender's curve25519 pubkey(32) | AES-SIV ciphertext
    const nonce = value.msg.slice(0, 32);
    expect(value.msg.slice(32, 64)).toEqual(await utils.getPubkey());
    const plaintext = fromUtf8(await utils.decrypt(value.msg.slice(64), nonce));
    expect(plaintext).toBe(`${billingHash.toLowerCase()}{"create_org":{"name":"Acme"}}`);
  });

  it('builds a SNIP-20 send with the recipient code hash and a base64 msg', () => {
    const send = snip20SendMsg({
      recipient: billing,
      recipientCodeHash: billingHash.toLowerCase(),
      amount: '9990000',
      msg: { subscribe: { org_id: 1, plan_id: 2, periods: 1 } },
    });
    expect(send.send.recipient).toBe(billing);
    expect(send.send.recipient_code_hash).toBe(billingHash.toLowerCase());
    expect(JSON.parse(fromUtf8(fromBase64(send.send.msg as string)))).toEqual({
      subscribe: { org_id: 1, plan_id: 2, periods: 1 },
    });
    expect(() => snip20SendMsg({ recipient: billing, amount: '-1' })).toThrow(InvalidRequestError);
  });
});

describe('Secret adapter: client', () => {
  it('reads a native balance through the LCD', async () => {
    const client = connectSecret({ url: lcdUrl, chainId: 'secretdev-1' });
    expect(await client.nativeBalance(devOnlyAccount('bob').address)).toEqual({
      denom: 'uscrt',
      amount: '4200',
    });
  });

  it('is read-only without a wallet, and needs auth for a SNIP-20 balance', async () => {
    const client = connectSecret({ url: lcdUrl, chainId: 'secretdev-1' });
    expect(client.address).toBeUndefined();
    await expect(client.execute(billing, { create_org: { name: 'x' } })).rejects.toBeInstanceOf(
      SignerRequiredError,
    );
    await expect(client.tokenBalance(token, devOnlyAccount('bob').address)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
  });

  it('requires walletAddress with a wallet', async () => {
    const { wallet } = await mnemonicSigner(devOnlyAccount('alice').mnemonic);
    expect(() => connectSecret({ url: lcdUrl, chainId: 'secretdev-1', wallet })).toThrow(InvalidRequestError);
  });
});
