import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getContractDir } from '@oraichain/common-contracts-build';
import {
  type ArbitrarySigner,
  connectDevnet,
  DEV_ONLY_ACCOUNTS,
  type DevnetTx,
  devnetSignBytes,
  devOnlyAccount,
  mnemonicSigner,
  newNonce,
  type SignedDevnetTx,
} from '@privexbot/schema/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, DEV_FUNDING } from './deploy-contracts.js';
import { DEVNET_KEEP_ALIVE_TIMEOUT_MS } from './http-api.js';
import { type RunningDevnet, startDevnet } from './index.js';

// PRIVEXBOT_ARTIFACTS_DIR points the tests at wasm built elsewhere (default contracts/artifacts).
const artifactsDir =
  process.env.PRIVEXBOT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../../contracts/artifacts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'privexbot-devnet-test-'));
let devnet: RunningDevnet;
let alice: ArbitrarySigner;
let bob: ArbitrarySigner;

beforeAll(async () => {
  devnet = await startDevnet({ dataDir, port: 0, artifactsDir });
  [alice, bob] = await Promise.all([
    mnemonicSigner(devOnlyAccount('alice').mnemonic),
    mnemonicSigner(devOnlyAccount('bob').mnemonic),
  ]);
});
afterAll(async () => {
  await devnet?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers and assert on them
type JsonBody = any;

async function sign(signer: ArbitrarySigner, tx: Omit<DevnetTx, 'chain_id' | 'nonce'> & Partial<DevnetTx>) {
  const full: DevnetTx = { chain_id: devnet.chainId, nonce: newNonce(), ...tx };
  const signature = await signer.signArbitrary(full.chain_id, devnetSignBytes(full));
  return { tx: full, signer: signer.address, signature } satisfies SignedDevnetTx;
}

async function post(path: string, body: unknown) {
  const response = await fetch(`${devnet.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as JsonBody };
}

/** JSON of a GET route */
async function get(path: string): Promise<JsonBody> {
  return (await fetch(`${devnet.url}${path}`)).json();
}

async function tokenBalance(address: string): Promise<bigint> {
  const { body } = await post('/query', {
    contract: devnet.contracts.token.address,
    msg: { balance: { address } },
  });
  return BigInt(body.data.balance);
}

function transfer(amount: string, recipient = bob.address) {
  return { contract: devnet.contracts.token.address, msg: { transfer: { recipient, amount } }, funds: [] };
}

describe('devnet genesis', () => {
  it('deploys cw20-base with its real code hash, and billing/usage exactly when their wasm is built', async () => {
    const status = await get('/status');
    const cw20Hash = createHash('sha256')
      .update(readFileSync(getContractDir('cw20-base')))
      .digest('hex');
    expect(status.chainId).toBe('privexbot-devnet-1');
    expect(status.contracts.token).toMatchObject({
      address: devnet.contracts.token.address,
      codeHash: cw20Hash,
    });
    expect(Boolean(status.contracts.billing)).toBe(existsSync(artifactPath(artifactsDir, 'billing')));
    expect(Boolean(status.contracts.usage)).toBe(
      existsSync(artifactPath(artifactsDir, 'usage')) && existsSync(artifactPath(artifactsDir, 'billing')),
    );
    const info = (await post('/query', { contract: devnet.contracts.token.address, msg: { token_info: {} } }))
      .body;
    expect(info.data).toMatchObject({ symbol: 'PDUSD', decimals: 6 });
  });

  it('funds every dev account with uscrt and payment tokens', async () => {
    for (const account of DEV_ONLY_ACCOUNTS) {
      const native = await get(`/balance/${account.address}`);
      expect(BigInt(native.amount)).toBeGreaterThan(0n);
      expect(await tokenBalance(account.address)).toBeGreaterThan(0n);
    }
    // bob only ever receives in these tests, so his genesis balances are exact
    const bobNative = await get(`/balance/${bob.address}?denom=uscrt`);
    expect(bobNative).toEqual({ denom: 'uscrt', amount: DEV_FUNDING.nativeUscrt.toString() });
  });
});

describe('signed state changes', () => {
  it('executes a cw20 transfer signed by the sender (round trip through /tx)', async () => {
    const before = await tokenBalance(bob.address);
    const { status, body } = await post('/execute', await sign(alice, transfer('250')));
    expect(status).toBe(200);
    expect(await tokenBalance(bob.address)).toBe(before + 250n);
    const tx = await get(`/tx/${body.txHash}`);
    expect(tx).toEqual(body);
  });

  it('refuses a message changed after signing, without executing it', async () => {
    const before = await tokenBalance(bob.address);
    const signed = await sign(alice, transfer('1'));
    const tampered = {
      ...signed,
      tx: { ...signed.tx, msg: { transfer: { recipient: bob.address, amount: '999' } } },
    };
    const { status, body } = await post('/execute', tampered);
    expect(status).toBe(401);
    expect(body.error).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(body.error.requestId).toMatch(/\S/);
    expect(await tokenBalance(bob.address)).toBe(before);
  });

  it('refuses a signature by another key than the claimed sender', async () => {
    const signedByBob = await sign(bob, transfer('1', alice.address));
    const { status, body } = await post('/execute', { ...signedByBob, signer: alice.address });
    expect(status).toBe(401);
    expect(body.error.code).toBe('BAD_SIGNATURE');
  });

  it('refuses an envelope signed for another chain', async () => {
    const { status, body } = await post(
      '/execute',
      await sign(alice, { ...transfer('1'), chain_id: 'secret-4' }),
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe('WRONG_CHAIN');
  });

  it('refuses a replayed nonce and counts the transfer once', async () => {
    const before = await tokenBalance(bob.address);
    const signed = await sign(alice, transfer('7'));
    expect((await post('/execute', signed)).status).toBe(200);
    const replay = await post('/execute', signed);
    expect(replay.status).toBe(409);
    expect(replay.body.error).toMatchObject({ code: 'NONCE_REUSED' });
    expect(await tokenBalance(bob.address)).toBe(before + 7n);
  });

  it('lets only one of two simultaneous copies of a signed tx through', async () => {
    const before = await tokenBalance(bob.address);
    const signed = await sign(alice, transfer('3'));
    const statuses = (await Promise.all([post('/execute', signed), post('/execute', signed)])).map(
      (r) => r.status,
    );
    expect(statuses.sort()).toEqual([200, 409]);
    expect(await tokenBalance(bob.address)).toBe(before + 3n);
  });

  it('runs concurrent transfers one at a time without losing any', async () => {
    const before = await tokenBalance(bob.address);
    const envelopes = await Promise.all(Array.from({ length: 8 }, () => sign(alice, transfer('11'))));
    const results = await Promise.all(envelopes.map((signed) => post('/execute', signed)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await tokenBalance(bob.address)).toBe(before + 88n);
  });

  it('returns the contract message of a refused execute as a 422', async () => {
    const { status, body } = await post(
      '/execute',
      await sign(bob, transfer('1000000000000000000', alice.address)),
    );
    expect(status).toBe(422);
    expect(body.error.code).toBe('CONTRACT_ERROR');
    expect(body.error.details.contractMessage).toMatch(/Overflow/);
  });

  it('says INSUFFICIENT_FUNDS when attached native funds exceed the balance', async () => {
    const signed = await sign(bob, {
      ...transfer('1', alice.address),
      funds: [{ denom: 'uscrt', amount: (DEV_FUNDING.nativeUscrt * 10n).toString() }],
    });
    const { status, body } = await post('/execute', signed);
    expect(status).toBe(400);
    expect(body.error.code).toBe('INSUFFICIENT_FUNDS');
  });

  it('answers malformed bodies and unknown routes with clear 4xx errors', async () => {
    const notJson = await post('/execute', '{"tx":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'the body is not valid JSON',
    });
    const missing = await post('/execute', { tx: { chain_id: devnet.chainId } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues.length).toBeGreaterThan(0);
    const route = await post('/nowhere', {});
    expect(route.status).toBe(404);
    const tx = await fetch(`${devnet.url}/tx/${'AB'.repeat(32)}`);
    expect(tx.status).toBe(404);
    const badEscape = await fetch(`${devnet.url}/balance/%E0%A4%A`);
    expect(badEscape.status).toBe(400);
  });
});

describe('kept-alive connections', () => {
  /** Two GET /status on one TCP connection, `pauseMs` apart; resolves with each answer's status line. */
  async function twoRequestsOneConnection(pauseMs: number): Promise<string[]> {
    const { hostname, port } = new URL(devnet.url);
    const socket = connect(Number(port), hostname);
    const request = `GET /status HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`;
    let received = '';
    const answers: string[] = [];
    let closed = false;
    socket.once('close', () => {
      closed = true;
    });
    const answered = () =>
      new Promise<void>((resolve, reject) => {
        if (closed)
          return reject(new Error(`the devnet closed the connection after ${answers.length} answer(s)`));
        const onData = (chunk: Buffer) => {
          received += chunk.toString();
          // the devnet answers with chunked encoding: an answer ends with the empty last chunk
          if (received.indexOf('\r\n\r\n') >= 0 && received.endsWith('\r\n0\r\n\r\n')) {
            answers.push(received.slice(0, received.indexOf('\r\n')));
            received = '';
            socket.off('data', onData);
            resolve();
          }
        };
        socket.on('data', onData);
        socket.once('close', () =>
          reject(new Error(`the devnet closed the connection after ${answers.length} answer(s)`)),
        );
        socket.once('error', reject);
      });
    try {
      socket.write(request);
      await answered();
      await new Promise((r) => setTimeout(r, pauseMs));
      socket.write(request);
      await answered();
      return answers;
    } finally {
      socket.destroy();
    }
  }

  it("keeps an idle connection open past Node's default 5 s, so keep-alive clients close first", async () => {
    expect(DEVNET_KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(5_000);
    // Node's default server closes it 5 to 6 s after the last answer; a client reusing it at
    // that moment got ECONNRESET (http-api.ts says why).
    expect(await twoRequestsOneConnection(7_000)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
  }, 20_000);
});

describe('uploads and instantiations', () => {
  it('refuses a wasm that does not match the signed checksum, or is not wasm', async () => {
    const wasm = readFileSync(getContractDir('cw20-base'));
    const signed = await sign(alice, {
      contract: 'devnet:wasm',
      msg: { store_code: { checksum: 'ab'.repeat(32) } },
      funds: [],
    });
    const mismatch = await post('/upload', { ...signed, wasm: wasm.toString('base64') });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.message).toMatch(/not the signed checksum/);
    const notWasm = await post('/upload', {
      ...(await sign(alice, {
        contract: 'devnet:wasm',
        msg: { store_code: { checksum: 'ab'.repeat(32) } },
        funds: [],
      })),
      wasm: 'aGVsbG8gd29ybGQ=',
    });
    expect(notWasm.body.error.message).toMatch(/not a WebAssembly module/);
  });

  it('says NOT_FOUND for an unknown code id', async () => {
    const signed = await sign(alice, {
      contract: 'devnet:wasm',
      msg: { instantiate: { code_id: 999, msg: {}, label: 'x' } },
      funds: [],
    });
    const { status, body } = await post('/instantiate', signed);
    expect(status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
  });

  it('refuses an execute envelope addressed to a devnet module', async () => {
    const signed = await sign(alice, {
      contract: 'devnet:faucet',
      msg: { faucet: { native: '1' } },
      funds: [],
    });
    const { status, body } = await post('/execute', signed);
    expect(status).toBe(400);
    expect(body.error.code).toBe('INVALID_REQUEST');
  });
});

describe('dev faucet and clock', () => {
  it('credits the signer with uscrt and tokens', async () => {
    const client = await connectDevnet({ url: devnet.url, signer: bob });
    const nativeBefore = BigInt((await client.nativeBalance(bob.address)).amount);
    const tokenBefore = await tokenBalance(bob.address);
    await client.faucet({ native: '5000', token: '42' });
    expect(BigInt((await client.nativeBalance(bob.address)).amount)).toBe(nativeBefore + 5000n);
    expect(await tokenBalance(bob.address)).toBe(tokenBefore + 42n);
  });

  it('moves block time forward on request, and with the wall clock otherwise', async () => {
    const client = await connectDevnet({ url: devnet.url, signer: alice });
    const before = await client.status();
    await client.advanceTime({ seconds: 31 * 24 * 3600, blocks: 5 });
    const after = await client.status();
    expect(after.height).toBe(before.height + 5);
    expect(BigInt(after.timeNs) - BigInt(before.timeNs)).toBeGreaterThanOrEqual(
      31n * 24n * 3600n * 1_000_000_000n,
    );
    const { body } = await post(
      '/clock',
      await sign(alice, { contract: 'devnet:clock', msg: { advance: { seconds: -1 } }, funds: [] }),
    );
    expect(body.error.code).toBe('INVALID_REQUEST');
  });
});

describe('persistence', () => {
  it('restarts from its data directory with the same contracts, balances, clock and used nonces', async () => {
    const signed = await sign(alice, transfer('5'));
    expect((await post('/execute', signed)).status).toBe(200);
    const balance = await tokenBalance(bob.address);
    const status = await get('/status');
    await devnet.close();

    devnet = await startDevnet({ dataDir, port: 0, artifactsDir });
    expect(devnet.deployed).toBe(false);
    expect(devnet.contracts.token.address).toBe(status.contracts.token.address);
    expect(await tokenBalance(bob.address)).toBe(balance);
    const reopened = await get('/status');
    expect(reopened.height).toBe(status.height);
    // the clock offset survives: time did not fall back by the month advanced above
    expect(BigInt(reopened.timeNs)).toBeGreaterThanOrEqual(BigInt(status.timeNs));
    expect((await post('/execute', signed)).status).toBe(409);
    expect((await post('/execute', await sign(alice, transfer('5')))).status).toBe(200);
    expect(await tokenBalance(bob.address)).toBe(balance + 5n);
  });
});
