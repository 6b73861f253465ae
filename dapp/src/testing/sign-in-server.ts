/**
 * Test support: a local HTTP server speaking the api's sign-in protocol (DESIGN.md:
 * `GET /auth/challenge`, `POST /auth/verify`) and verifying ADR-36 signatures for real with the
 * same verifier the api uses. It lets the dapp's sign-in be tested before and apart from the
 * api process; the browser end-to-end test runs against the real api.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type StdSignature, verifyArbitrarySignature } from '@privexbot/schema/chain';

export interface SignInServer {
  url: string;
  /** how many sessions were issued (each nonce may produce at most one) */
  sessionsIssued: number;
  /** lifetime of the access tokens issued from now on */
  setAccessTtlMs(ms: number): void;
  close(): Promise<void>;
}

export async function startSignInServer(): Promise<SignInServer> {
  const nonces = new Map<string, string>(); // nonce → address
  const refreshTokens = new Map<string, string>(); // refresh token → address
  const accessTokens = new Map<string, { address: string; expiresAt: number }>();
  const state = { sessionsIssued: 0, accessTtlMs: 600_000 };

  function issueTokens(address: string) {
    const accessToken = `access-${randomUUID()}`;
    const refreshToken = `refresh-${randomUUID()}`;
    const expiresAt = Date.now() + state.accessTtlMs;
    accessTokens.set(accessToken, { address, expiresAt });
    refreshTokens.set(refreshToken, address);
    return {
      address,
      accessToken,
      accessExpiresAt: new Date(expiresAt).toISOString(),
      refreshToken,
      sessionExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
  }
  const server = createServer((request, response) => {
    handle(request, response).catch(() =>
      send(response, 500, { error: { code: 'INTERNAL', message: 'failed' } }),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://local');
    if (request.method === 'GET' && url.pathname === '/auth/challenge') {
      const address = url.searchParams.get('address') ?? '';
      if (!/^secret1[0-9a-z]{38}$/.test(address)) {
        return send(response, 400, { error: { code: 'INVALID_ADDRESS', message: 'not a secret1 address' } });
      }
      const nonce = randomUUID();
      nonces.set(nonce, address);
      const expiresAt = new Date(Date.now() + 300_000).toISOString();
      const message = `localhost wants you to sign in with your Secret Network account:\n${address}\n\nNonce: ${nonce}\nExpiration Time: ${expiresAt}`;
      return send(response, 200, { message, nonce, expiresAt });
    }
    if (request.method === 'POST' && url.pathname === '/auth/verify') {
      const body = JSON.parse(await readBody(request)) as {
        address: string;
        pubKey: string;
        signature: string;
        message: string;
      };
      const nonce = /Nonce: (\S+)/.exec(body.message)?.[1] ?? '';
      if (nonces.get(nonce) !== body.address) {
        return send(response, 401, {
          error: { code: 'NONCE_INVALID', message: 'unknown or used nonce', requestId: 'r1' },
        });
      }
      const signature: StdSignature = {
        pub_key: { type: 'tendermint/PubKeySecp256k1', value: body.pubKey },
        signature: body.signature,
      };
      if (
        !verifyArbitrarySignature({ prefix: 'secret', signer: body.address, data: body.message, signature })
      ) {
        return send(response, 401, {
          error: { code: 'BAD_SIGNATURE', message: 'the signature does not verify', requestId: 'r2' },
        });
      }
      nonces.delete(nonce);
      state.sessionsIssued += 1;
      return send(response, 201, issueTokens(body.address));
    }
    if (request.method === 'POST' && url.pathname === '/auth/refresh') {
      const { refreshToken } = JSON.parse(await readBody(request)) as { refreshToken: string };
      const address = refreshTokens.get(refreshToken);
      // Rotation: a refresh token works once.
      refreshTokens.delete(refreshToken);
      if (!address)
        return send(response, 401, {
          error: { code: 'SESSION_EXPIRED', message: 'sign in again', requestId: 'r3' },
        });
      return send(response, 200, issueTokens(address));
    }
    if (request.method === 'GET' && url.pathname === '/v1/me') {
      const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
      const access = accessTokens.get(token);
      if (!access || access.expiresAt <= Date.now()) {
        return send(response, 401, {
          error: { code: 'UNAUTHENTICATED', message: 'sign in first', requestId: 'r4' },
        });
      }
      return send(response, 200, { address: access.address, sessionId: 's1' });
    }
    if (request.method === 'POST' && url.pathname === '/auth/sign-out') return send(response, 200, {});
    send(response, 404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get sessionsIssued() {
      return state.sessionsIssued;
    },
    setAccessTtlMs(ms: number) {
      state.accessTtlMs = ms;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function send(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
