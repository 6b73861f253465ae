/**
 * The devnet's JSON HTTP API (node:http: a dozen routes need no framework). Routes:
 *   GET  /status                 chain id, height, block time, contracts with code ids and hashes
 *   GET  /balance/:address       ?denom=uscrt → { denom, amount }
 *   GET  /tx/:hash               a transaction's result, or 404
 *   POST /query                  { contract, msg } → { data }
 *   POST /execute                signed envelope → TxResult
 *   POST /faucet                 signed envelope to `devnet:faucet`, msg { faucet: { native?, token? } }
 *   POST /clock                  signed envelope to `devnet:clock`, msg { advance: { seconds?, blocks? } }
 *   POST /upload                 signed envelope to `devnet:wasm`, msg { store_code: { checksum } }, plus `wasm` (base64)
 *   POST /instantiate            signed envelope to `devnet:wasm`, msg { instantiate: { code_id, msg, label, admin? } }
 *   POST /migrate                signed envelope to `devnet:wasm`, msg { migrate: { contract, code_id, msg } } (the contract's admin only)
 * Errors: 4xx with { error: { code, message, details?, requestId } }; codes are ChainErrorCode.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  ChainError,
  ContractError,
  canonicalJson,
  DEVNET_CLOCK,
  DEVNET_FAUCET,
  DEVNET_WASM,
  devOnlyAccount,
  InsufficientFundsError,
  InvalidRequestError,
  NATIVE_DENOM,
  NotFoundError,
  type SignedDevnetTx,
  type TxResult,
  UnauthorizedError,
} from '@privexbot/schema/chain';
import { z } from 'zod';
import type { Deployment } from './deploy-contracts.js';
import { burnNonce, verifySignedTx } from './handle-signed-tx.js';
import { type SimulatedChain, toTxEvents } from './simulated-chain.js';

const MAX_BODY_BYTES = 1_000_000;
/** an upload carries the wasm in base64; CosmWasm chains cap code at about 800 KB, Secret at 3 MB */
const MAX_UPLOAD_BODY_BYTES = 8_000_000;
/** dev faucet ceilings per call: enough for any test, small enough to notice a loop */
const FAUCET_MAX_NATIVE = 1_000_000_000_000n;
const FAUCET_MAX_TOKEN = 100_000_000_000n;

const statusByCode: Record<string, number> = {
  INVALID_REQUEST: 400,
  WRONG_CHAIN: 400,
  INSUFFICIENT_FUNDS: 400,
  BAD_SIGNATURE: 401,
  UNAUTHORIZED: 403,
  NOT_FOUND: 404,
  NONCE_REUSED: 409,
  CONTRACT_ERROR: 422,
};

const querySchema = z.object({
  contract: z.string().min(1).max(128),
  msg: z.record(z.string(), z.unknown()),
});
const amountSchema = z.string().regex(/^[1-9]\d{0,38}$/, 'a positive integer string');
const faucetMsgSchema = z.object({
  faucet: z.object({ native: amountSchema.optional(), token: amountSchema.optional() }).strict(),
});
const storeCodeMsgSchema = z.object({
  store_code: z
    .object({ checksum: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the wasm, lower-case hex') })
    .strict(),
});
const instantiateMsgSchema = z.object({
  instantiate: z
    .object({
      code_id: z.number().int().positive(),
      msg: z.record(z.string(), z.unknown()),
      label: z.string().min(1).max(128),
      admin: z.string().min(1).max(128).optional(),
    })
    .strict(),
});
const migrateMsgSchema = z.object({
  migrate: z
    .object({
      contract: z.string().min(1).max(128),
      code_id: z.number().int().positive(),
      msg: z.record(z.string(), z.unknown()),
    })
    .strict(),
});
const clockMsgSchema = z.object({
  advance: z
    .object({
      seconds: z
        .number()
        .int()
        .min(0)
        .max(100 * 365 * 24 * 3600)
        .optional(),
      blocks: z.number().int().min(0).max(10_000_000).optional(),
    })
    .strict(),
});

/**
 * How long the server keeps an idle kept-alive connection. Node's default (5 s) raced the
 * relayer's keep-alive client on long runs: a client reuses an idle connection it still
 * believes open (undici keeps one up to the server's advertised timeout minus 2 s), while the
 * devnet, its event loop just back from executing a batch's wasm or a long garbage collection,
 * runs its expired keep-alive timer before reading the request already waiting on the socket,
 * closes it with the request unread, and the kernel answers with a reset (ECONNRESET). With a
 * minute, a connection in steady use is never near expiry, and one that sat idle that long is
 * rarely taken up again in the last two seconds. Clients that close sooner (undici's default
 * is 4 s without a hint) are unaffected.
 */
export const DEVNET_KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function createDevnetHttpServer(chain: SimulatedChain, getDeployment: () => Deployment): Server {
  const server = createServer((request, response) => {
    const requestId = randomUUID();
    response.setHeader('x-request-id', requestId);
    // The dapp on another local port calls the devnet straight from the browser.
    response.setHeader('access-control-allow-origin', '*');
    response.setHeader('access-control-allow-headers', 'content-type');
    response.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    handle(chain, getDeployment, request)
      .then((body) => send(response, 200, body))
      .catch((error: unknown) => sendError(response, error, requestId));
  });
  server.keepAliveTimeout = DEVNET_KEEP_ALIVE_TIMEOUT_MS;
  // Longer than the keep-alive timeout, as Node requires, or a request arriving on a connection
  // near its keep-alive expiry could be cut off by the headers timer instead.
  server.headersTimeout = DEVNET_KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}

async function handle(
  chain: SimulatedChain,
  getDeployment: () => Deployment,
  request: IncomingMessage,
): Promise<unknown> {
  const url = new URL(request.url ?? '/', 'http://devnet');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = request.method ?? 'GET';
  if (method === 'OPTIONS') return {};

  if (method === 'GET' && path === '/status') {
    return {
      chainId: chain.chainId,
      height: chain.height,
      timeNs: BigInt(chain.timeNs).toString(),
      contracts: getDeployment(),
    };
  }
  if (method === 'GET' && path.startsWith('/balance/')) {
    const address = decodePathPart(path.slice('/balance/'.length));
    return chain.nativeBalance(address, url.searchParams.get('denom') ?? NATIVE_DENOM);
  }
  if (method === 'GET' && path.startsWith('/tx/')) {
    const hash = decodePathPart(path.slice('/tx/'.length));
    const tx = chain.findTx(hash);
    if (!tx) throw new NotFoundError(`transaction ${hash} not found`);
    return tx;
  }
  if (method === 'POST' && path === '/query') {
    const parsed = querySchema.safeParse(await readJson(request));
    if (!parsed.success) throw invalid('the body must be { contract, msg }', parsed.error);
    if (!chain.hasContract(parsed.data.contract))
      throw new NotFoundError(`contract ${parsed.data.contract} not found`);
    try {
      return { data: await chain.query(parsed.data.contract, parsed.data.msg) };
    } catch (error) {
      throw classifySimulatorError(error);
    }
  }
  if (method === 'POST' && signedRoutes.has(path)) {
    const body = await readJson(request, path === '/upload' ? MAX_UPLOAD_BODY_BYTES : MAX_BODY_BYTES);
    const signed = verifySignedTx(chain, body);
    const wasm = path === '/upload' ? uploadedWasm(body, signed) : undefined;
    return runSigned(chain, path, signed, wasm);
  }
  throw new NotFoundError(`no route ${method} ${path}`);
}

const signedRoutes = new Map<string, string | undefined>([
  ['/execute', undefined],
  ['/faucet', DEVNET_FAUCET],
  ['/clock', DEVNET_CLOCK],
  ['/upload', DEVNET_WASM],
  ['/instantiate', DEVNET_WASM],
  ['/migrate', DEVNET_WASM],
]);

/** The wasm beside an upload envelope; it must be wasm and match the signed checksum. */
function uploadedWasm(body: unknown, signed: SignedDevnetTx): Uint8Array {
  const parsed = storeCodeMsgSchema.safeParse(signed.tx.msg);
  if (!parsed.success) throw invalid('msg must be { store_code: { checksum } }', parsed.error);
  const encoded = (body as { wasm?: unknown }).wasm;
  if (typeof encoded !== 'string')
    throw new InvalidRequestError('an upload needs `wasm`: the code in base64');
  const wasm = new Uint8Array(Buffer.from(encoded, 'base64'));
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new InvalidRequestError('`wasm` is not a WebAssembly module');
  }
  const checksum = createHash('sha256').update(wasm).digest('hex');
  if (checksum !== parsed.data.store_code.checksum) {
    throw new InvalidRequestError(`the wasm's SHA-256 is ${checksum}, not the signed checksum`);
  }
  return wasm;
}

type SignedResult = TxResult & { codeId?: number; codeHash?: string; address?: string };

function runSigned(
  chain: SimulatedChain,
  path: string,
  signed: SignedDevnetTx,
  wasm: Uint8Array | undefined,
): Promise<SignedResult> {
  const expectedTarget = signedRoutes.get(path);
  if (expectedTarget ? signed.tx.contract !== expectedTarget : signed.tx.contract.startsWith('devnet:')) {
    throw new InvalidRequestError(`${path} takes transactions to ${expectedTarget ?? 'a contract address'}`);
  }
  const txHash = createHash('sha256').update(canonicalJson(signed)).digest('hex').toUpperCase();
  return chain.transact(async () => {
    burnNonce(chain, signed);
    let events: TxResult['events'] = [];
    let extra: Omit<SignedResult, keyof TxResult> = {};
    try {
      if (path === '/execute') {
        if (!chain.hasContract(signed.tx.contract))
          throw new NotFoundError(`contract ${signed.tx.contract} not found`);
        const result = await chain.client.execute(
          signed.signer,
          signed.tx.contract,
          signed.tx.msg as Record<string, unknown>,
          'auto',
          signed.tx.memo,
          signed.tx.funds,
        );
        events = toTxEvents(result.events);
      } else if (path === '/faucet') {
        events = await runFaucet(chain, signed);
      } else if (path === '/upload' && wasm) {
        const upload = await chain.client.upload(signed.signer, wasm, 'auto');
        extra = { codeId: upload.codeId, codeHash: upload.checksum };
        events = [{ type: 'store_code', attributes: [{ key: 'code_id', value: String(upload.codeId) }] }];
      } else if (path === '/instantiate') {
        const parsed = instantiateMsgSchema.safeParse(signed.tx.msg);
        if (!parsed.success)
          throw invalid('msg must be { instantiate: { code_id, msg, label, admin? } }', parsed.error);
        const { code_id, msg, label, admin } = parsed.data.instantiate;
        if (!chain.hasCode(code_id)) throw new NotFoundError(`code ${code_id} not found`);
        const result = await chain.client.instantiate(signed.signer, code_id, msg, label, 'auto', {
          ...(admin ? { admin } : {}),
          funds: signed.tx.funds,
        });
        extra = { address: result.contractAddress };
        events = toTxEvents(result.events);
      } else if (path === '/migrate') {
        const parsed = migrateMsgSchema.safeParse(signed.tx.msg);
        if (!parsed.success)
          throw invalid('msg must be { migrate: { contract, code_id, msg } }', parsed.error);
        const { contract, code_id, msg } = parsed.data.migrate;
        if (!chain.hasContract(contract)) throw new NotFoundError(`contract ${contract} not found`);
        if (!chain.hasCode(code_id)) throw new NotFoundError(`code ${code_id} not found`);
        // cw-simulate refuses anyone but the contract's admin ("unauthorized: can not migrate")
        const result = await chain.client.migrate(signed.signer, contract, code_id, msg, 'auto');
        events = toTxEvents(result.events);
      } else {
        const parsed = clockMsgSchema.safeParse(signed.tx.msg);
        if (!parsed.success) throw invalid('msg must be { advance: { seconds?, blocks? } }', parsed.error);
        chain.advanceClock(parsed.data.advance.seconds ?? 0, parsed.data.advance.blocks ?? 0);
      }
    } catch (error) {
      throw classifySimulatorError(error);
    }
    const result: TxResult = { txHash, height: chain.height, events };
    chain.recordTx(result);
    return { ...result, ...extra };
  });
}

async function runFaucet(chain: SimulatedChain, signed: SignedDevnetTx): Promise<TxResult['events']> {
  const parsed = faucetMsgSchema.safeParse(signed.tx.msg);
  if (!parsed.success) throw invalid('msg must be { faucet: { native?, token? } }', parsed.error);
  const { native, token } = parsed.data.faucet;
  if (native && BigInt(native) > FAUCET_MAX_NATIVE)
    throw new InvalidRequestError(`native faucet is capped at ${FAUCET_MAX_NATIVE} uscrt a call`);
  if (token && BigInt(token) > FAUCET_MAX_TOKEN)
    throw new InvalidRequestError(`token faucet is capped at ${FAUCET_MAX_TOKEN} a call`);
  const events: TxResult['events'] = [];
  // The token mint may fail (a contract call); the native mint cannot. Token first, so a
  // failure leaves nothing half done.
  const tokenContract = chain.deployment.token as { address: string } | undefined;
  if (token && tokenContract) {
    const result = await chain.client.execute(
      devOnlyAccount('operator').address,
      tokenContract.address,
      { mint: { recipient: signed.signer, amount: token } },
      'auto',
    );
    events.push(...toTxEvents(result.events));
  }
  if (native) {
    chain.client.app.bank.mint(signed.signer, [{ denom: NATIVE_DENOM, amount: native }]);
    events.push({ type: 'faucet', attributes: [{ key: 'native', value: `${native}${NATIVE_DENOM}` }] });
  }
  return events;
}

/** cw-simulate reports every failure as an Error with text; map it to our typed errors. */
function classifySimulatorError(error: unknown): ChainError {
  if (error instanceof ChainError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/^Sender \S+ has \d+ \S+, needs \d+/.test(message)) return new InsufficientFundsError(message);
  // Only the simulator's own admin check: a contract's error may start with "unauthorized" too,
  // and stays a CONTRACT_ERROR carrying the contract's message.
  if (/^unauthorized: can not migrate/.test(message)) return new UnauthorizedError(message);
  if (/^contract \S+ not found/.test(message) || /code.*not found|no such code/i.test(message)) {
    return new NotFoundError(message);
  }
  return new ContractError(message);
}

function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InvalidRequestError(`the path part ${JSON.stringify(part)} is not valid percent-encoding`);
  }
}

function invalid(message: string, error: z.ZodError): InvalidRequestError {
  return new InvalidRequestError(message, {
    details: { issues: error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`) },
  });
}

async function readJson(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new InvalidRequestError(`the body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new InvalidRequestError('the body is not valid JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(text);
}

function sendError(response: ServerResponse, error: unknown, requestId: string): void {
  const chainError =
    error instanceof ChainError
      ? error
      : new ChainError('INTERNAL', 'the devnet failed to handle this request');
  const status = statusByCode[chainError.code] ?? 500;
  const details =
    chainError instanceof ContractError
      ? { ...chainError.details, contractMessage: chainError.contractMessage }
      : chainError.details;
  if (status === 500) console.error(`[devnet] ${requestId}`, error);
  send(response, status, {
    error: { code: chainError.code, message: chainError.message, ...(details ? { details } : {}), requestId },
  });
}
