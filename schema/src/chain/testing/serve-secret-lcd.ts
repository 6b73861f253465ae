/**
 * Test support: a local stand-in for a Secret Network node's LCD, speaking the REST paths
 * secretjs calls to sign, broadcast and confirm a contract execution (consensus IO key,
 * account, broadcast, tx lookup). It plays the enclave too: it holds the consensus IO key, so
 * it decrypts each executed message exactly as a Secret node would, and tests can read the
 * plaintext (`code hash` followed by the JSON message). Nothing is executed: each broadcast
 * gets the events the test asks for.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromBase64, fromUtf8, toBase64, toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { EncryptionUtilsImpl } from 'secretjs';
import { AuthInfo, TxBody, TxRaw } from 'secretjs/dist/protobuf/cosmos/tx/v1beta1/tx.js';
import { MsgExecuteContract as ExecuteProto } from 'secretjs/dist/protobuf/secret/compute/v1beta1/msg.js';
import type { TxEvent } from '../chain-client.js';

/** One broadcast transaction, decoded and decrypted. */
export interface BroadcastExecute {
  txHash: string;
  sender: Uint8Array;
  contract: Uint8Array;
  /** what the enclave reads: the callee's code hash (64 hex digits) then the JSON message */
  plaintext: string;
  memo: string;
  gasLimit: bigint;
  fee: { denom: string; amount: string }[];
  sequence: bigint;
}

export interface SecretLcdStandIn {
  url: string;
  executes: BroadcastExecute[];
  close(): Promise<void>;
}

export interface SecretLcdOptions {
  accountNumber?: number;
  sequence?: number;
  /** the events a broadcast transaction reports once in a block (secretjs decrypts nothing of them) */
  eventsFor?: (execute: BroadcastExecute) => TxEvent[];
}

export async function serveSecretLcd(options: SecretLcdOptions = {}): Promise<SecretLcdStandIn> {
  const consensusSeed = EncryptionUtilsImpl.GenerateNewSeed();
  const consensus = EncryptionUtilsImpl.GenerateNewKeyPairFromSeed(consensusSeed);
  const executes: BroadcastExecute[] = [];
  const included = new Map<string, { height: number; events: TxEvent[] }>();
  let height = 100;

  /** The enclave's side of the tx encryption: x25519(consensus key, sender key) + nonce. */
  async function decrypt(message: Uint8Array): Promise<string> {
    const enclave = new EncryptionUtilsImpl('http://unused', consensusSeed);
    (enclave as unknown as { consensusIoPubKey: Uint8Array }).consensusIoPubKey = message.slice(32, 64);
    return fromUtf8(await enclave.decrypt(message.slice(64), message.slice(0, 32)));
  }

  async function broadcast(txBytes: Uint8Array): Promise<string> {
    const txHash = toHex(sha256(txBytes)).toUpperCase();
    const raw = TxRaw.decode(txBytes);
    const body = TxBody.decode(raw.body_bytes);
    const auth = AuthInfo.decode(raw.auth_info_bytes);
    for (const any of body.messages) {
      if (any.type_url !== '/secret.compute.v1beta1.MsgExecuteContract') continue;
      const msg = ExecuteProto.decode(any.value);
      const execute: BroadcastExecute = {
        txHash,
        sender: msg.sender,
        contract: msg.contract,
        plaintext: await decrypt(msg.msg),
        memo: body.memo,
        gasLimit: BigInt(auth.fee?.gas_limit ?? '0'),
        fee: (auth.fee?.amount ?? []).map(({ denom, amount }) => ({ denom, amount })),
        sequence: BigInt(auth.signer_infos[0]?.sequence ?? '0'),
      };
      executes.push(execute);
      included.set(txHash, { height: ++height, events: options.eventsFor?.(execute) ?? [] });
    }
    return txHash;
  }

  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? '/', 'http://lcd');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        if (url.pathname === '/registration/v1beta1/tx-key')
          return reply(200, { key: toBase64(consensus.pubkey) });
        const account = /^\/cosmos\/auth\/v1beta1\/accounts\/(\w+)$/.exec(url.pathname);
        if (account) {
          return reply(200, {
            account: {
              '@type': '/cosmos.auth.v1beta1.BaseAccount',
              address: account[1],
              pub_key: null,
              account_number: String(options.accountNumber ?? 7),
              sequence: String((options.sequence ?? 3) + executes.length),
            },
          });
        }
        if (url.pathname === '/cosmos/tx/v1beta1/txs' && request.method === 'POST') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            txBytes?: string;
            tx_bytes?: string;
          };
          const txHash = await broadcast(fromBase64(body.txBytes ?? body.tx_bytes ?? ''));
          return reply(200, { tx_response: { height: '0', txhash: txHash, code: 0, raw_log: '' } });
        }
        const tx = /^\/cosmos\/tx\/v1beta1\/txs\/(\w+)$/.exec(url.pathname);
        if (tx) {
          const found = included.get(tx[1] as string);
          if (!found) return reply(404, { code: 5, message: `tx not found: ${tx[1]}` });
          return reply(200, {
            tx_response: {
              height: String(found.height),
              txhash: tx[1],
              code: 0,
              data: '',
              raw_log: '',
              logs: [],
              gas_wanted: '0',
              gas_used: '1000',
              events: found.events,
              tx: { '@type': '/cosmos.tx.v1beta1.Tx', body: { messages: [] } },
            },
          });
        }
        return reply(501, { code: 12, message: `the stand-in LCD does not serve ${url.pathname}` });
      })().catch((error: unknown) => reply(500, { code: 13, message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    executes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
