import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSignInMessage, parseSignInMessage } from '../services/auth/sign-in-message.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';
import { createTestWallet, type TestWallet } from '../testing/test-wallet.js';

let api: TestApi;
let alice: TestWallet;
let mallory: TestWallet;

beforeAll(async () => {
  api = await startTestApi();
  alice = await createTestWallet();
  mallory = await createTestWallet();
});
afterAll(() => api?.close());

async function challengeFor(wallet: TestWallet) {
  const response = await api.request('get', `/auth/challenge?address=${wallet.address}`);
  expect(response.status).toBe(200);
  return response.body as { message: string; nonce: string; expiresAt: string };
}

async function verify(body: Record<string, unknown>) {
  return api.request('post', '/auth/verify', { body });
}

/** Re-signs a message whose fields were changed, as an attacker with their own key would. */
function rewrite(message: string, change: Partial<ReturnType<typeof parseSignInMessage> & object>) {
  const fields = parseSignInMessage(message);
  if (!fields) throw new Error('unparseable');
  return formatSignInMessage({ ...fields, ...change });
}

describe('ADR-36 sign-in', () => {
  it('issues a challenge naming domain, URI, chain, nonce and times', async () => {
    const { message, nonce, expiresAt } = await challengeFor(alice);
    const fields = parseSignInMessage(message);
    expect(fields).toMatchObject({
      domain: 'app.privexbot.test',
      address: alice.address,
      uri: 'http://app.privexbot.test',
      chainId: 'privexbot-devnet-1',
      nonce,
      expiresAt,
    });
  });

  it('opens a session for a valid signature, usable on /v1/me', async () => {
    const { message } = await challengeFor(alice);
    const response = await verify({
      address: alice.address,
      pubKey: alice.pubKey,
      signature: await alice.signArbitrary(message),
      message,
    });
    expect(response.status).toBe(201);
    expect(response.body.accessToken).toMatch(/^pbat_/);
    expect(response.body.refreshToken).toMatch(/^pbrt_/);
    const me = await api.request('get', '/v1/me', { token: response.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.address).toBe(alice.address);
  });

  it('refuses a replayed signature (nonce already used)', async () => {
    const { message } = await challengeFor(alice);
    const body = {
      address: alice.address,
      pubKey: alice.pubKey,
      signature: await alice.signArbitrary(message),
      message,
    };
    expect((await verify(body)).status).toBe(201);
    const replay = await verify(body);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('AUTH_NONCE_USED');
    expect(replay.body.error.requestId).toBeTruthy();
  });

  it('opens exactly one session when the same signature is sent twice at once', async () => {
    const { message } = await challengeFor(alice);
    const body = {
      address: alice.address,
      pubKey: alice.pubKey,
      signature: await alice.signArbitrary(message),
      message,
    };
    const before = await api.database.prisma.session.count();
    const results = await Promise.all([verify(body), verify(body), verify(body)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 401, 401]);
    expect(await api.database.prisma.session.count()).toBe(before + 1);
  });

  it('refuses an expired challenge', async () => {
    const { message } = await challengeFor(alice);
    const signature = await alice.signArbitrary(message);
    api.clock.advance(api.config.signInChallengeTtlSeconds + 1);
    const response = await verify({ address: alice.address, pubKey: alice.pubKey, signature, message });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH_CHALLENGE_EXPIRED');
  });

  it.each([
    ['domain', { domain: 'evil.example' }, 'AUTH_DOMAIN_MISMATCH'],
    ['URI', { uri: 'https://evil.example' }, 'AUTH_URI_MISMATCH'],
    ['chain', { chainId: 'secret-4' }, 'AUTH_CHAIN_MISMATCH'],
  ] as const)('refuses a message for another %s, even correctly signed', async (_what, change, code) => {
    const { message } = await challengeFor(alice);
    const foreign = rewrite(message, change);
    const response = await verify({
      address: alice.address,
      pubKey: alice.pubKey,
      signature: await alice.signArbitrary(foreign),
      message: foreign,
    });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe(code);
  });

  it('refuses a signature by another key (wrong signer)', async () => {
    const { message } = await challengeFor(alice);
    const signature = await mallory.signArbitrary(message);
    const withAlicesKey = await verify({ address: alice.address, pubKey: alice.pubKey, signature, message });
    expect(withAlicesKey.status).toBe(401);
    expect(withAlicesKey.body.error.code).toBe('AUTH_SIGNATURE_INVALID');
    const withMallorysKey = await verify({
      address: alice.address,
      pubKey: mallory.pubKey,
      signature,
      message,
    });
    expect(withMallorysKey.status).toBe(401);
    expect(withMallorysKey.body.error.code).toBe('AUTH_PUBKEY_MISMATCH');
  });

  it('refuses a tampered message', async () => {
    const { message } = await challengeFor(alice);
    const signature = await alice.signArbitrary(message);
    const later = new Date(
      Date.parse(parseSignInMessage(message)?.expiresAt ?? '') + 86_400_000,
    ).toISOString();
    const tampered = rewrite(message, { expiresAt: later });
    const response = await verify({
      address: alice.address,
      pubKey: alice.pubKey,
      signature,
      message: tampered,
    });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH_SIGNATURE_INVALID');
    // Signed by the right key but not what the server issued (longer validity): still refused.
    const resigned = await verify({
      address: alice.address,
      pubKey: alice.pubKey,
      signature: await alice.signArbitrary(tampered),
      message: tampered,
    });
    expect(resigned.status).toBe(401);
    expect(resigned.body.error.code).toBe('AUTH_MESSAGE_TAMPERED');
  });

  it('refuses a nonce it never issued and a message for another address', async () => {
    const { message } = await challengeFor(alice);
    const invented = rewrite(message, { nonce: 'neverIssuedNonce123' });
    const unknown = await verify({
      address: alice.address,
      pubKey: alice.pubKey,
      signature: await alice.signArbitrary(invented),
      message: invented,
    });
    expect(unknown.body.error.code).toBe('AUTH_NONCE_UNKNOWN');
    const forMallory = await verify({
      address: mallory.address,
      pubKey: mallory.pubKey,
      signature: await mallory.signArbitrary(message),
      message,
    });
    expect(forMallory.status).toBe(401);
    expect(forMallory.body.error.code).toBe('AUTH_ADDRESS_MISMATCH');
  });

  it.each([
    ['no body', undefined, 'VALIDATION_FAILED'],
    [
      'bad address',
      { address: 'cosmos1xyz', pubKey: 'AA==', signature: 'AA==', message: 'x' },
      'VALIDATION_FAILED',
    ],
    ['not base64', { address: 'ADDR', pubKey: '!!', signature: 'AA==', message: 'x' }, 'VALIDATION_FAILED'],
    [
      'not a sign-in message',
      { address: 'ADDR', pubKey: 'PUB', signature: 'AA==', message: 'hello' },
      'AUTH_MESSAGE_MALFORMED',
    ],
    [
      'short pubkey',
      { address: 'ADDR', pubKey: 'AAAA', signature: 'AA==', message: 'MSG' },
      'AUTH_PUBKEY_MALFORMED',
    ],
  ])('answers malformed input (%s) with a precise 400', async (_name, template, code) => {
    const { message } = await challengeFor(alice);
    const body =
      template &&
      JSON.parse(
        JSON.stringify(template)
          .replaceAll('"ADDR"', JSON.stringify(alice.address))
          .replaceAll('"PUB"', JSON.stringify(alice.pubKey))
          .replaceAll('"MSG"', JSON.stringify(message)),
      );
    const response = await verify(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
  });

  it('answers broken JSON with MALFORMED_JSON', async () => {
    const response = await api.request('post', '/auth/verify', { rawBody: '{"address": ' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_JSON');
  });

  it('refuses a challenge for an address of another chain prefix', async () => {
    const response = await api.request(
      'get',
      '/auth/challenge?address=cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu',
    );
    expect(response.status).toBe(400);
    expect(response.body.error.details.issues[0].path).toBe('address');
  });
});

describe('sessions', () => {
  it('expires the access token, refreshes it with rotation, and detects refresh-token reuse', async () => {
    const tokens = await api.signIn(alice);
    api.clock.advance(api.config.accessTokenTtlSeconds + 1);
    const expired = await api.request('get', '/v1/me', { token: tokens.accessToken });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('SESSION_EXPIRED');

    const refreshed = await api.request('post', '/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect((await api.request('get', '/v1/me', { token: refreshed.body.accessToken })).status).toBe(200);

    // The old refresh token was rotated away; using it again signs the session out.
    const reused = await api.request('post', '/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('REFRESH_TOKEN_INVALID');
    const afterReuse = await api.request('get', '/v1/me', { token: refreshed.body.accessToken });
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('revokes the whole session family when any rotated refresh token, however old, is reused', async () => {
    const first = await api.signIn(alice);
    const chain = [first.refreshToken];
    let current = first;
    for (let i = 0; i < 3; i++) {
      const next = await api.request('post', '/auth/refresh', {
        body: { refreshToken: current.refreshToken },
      });
      expect(next.status).toBe(200);
      current = next.body;
      chain.push(current.refreshToken);
    }
    expect((await api.request('get', '/v1/me', { token: current.accessToken })).status).toBe(200);
    // The first token, three rotations old (not the one just before the current one).
    const stolen = await api.request('post', '/auth/refresh', { body: { refreshToken: chain[0] } });
    expect(stolen.status).toBe(401);
    expect(stolen.body.error.code).toBe('REFRESH_TOKEN_INVALID');
    expect(stolen.body.error.message).toMatch(/signed out/);
    // The legitimate holder's current access and refresh tokens are both dead now.
    expect((await api.request('get', '/v1/me', { token: current.accessToken })).status).toBe(401);
    const latest = await api.request('post', '/auth/refresh', { body: { refreshToken: chain.at(-1) } });
    expect(latest.status).toBe(401);
    expect(latest.body.error.code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('ends at its absolute expiry however often it is refreshed', async () => {
    const tokens = await api.signIn(alice);
    api.clock.advance(api.config.sessionTtlSeconds + 1);
    const response = await api.request('post', '/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('SESSION_EXPIRED');
  });

  it('signs out one session, or every session of the wallet', async () => {
    const first = await api.signIn(alice);
    const second = await api.signIn(alice);
    const third = await api.signIn(alice);
    const out = await api.request('post', '/auth/sign-out', { token: first.accessToken });
    expect(out.status).toBe(200);
    expect(out.body.signedOut).toBe(1);
    expect((await api.request('get', '/v1/me', { token: first.accessToken })).status).toBe(401);
    expect((await api.request('get', '/v1/me', { token: second.accessToken })).status).toBe(200);

    const everywhere = await api.request('post', '/auth/sign-out', {
      token: second.accessToken,
      body: { everywhere: true },
    });
    expect(everywhere.status).toBe(200);
    expect((await api.request('get', '/v1/me', { token: third.accessToken })).status).toBe(401);
    const refresh = await api.request('post', '/auth/refresh', {
      body: { refreshToken: third.refreshToken },
    });
    expect(refresh.body.error.code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('stores no token in the clear', async () => {
    const tokens = await api.signIn(alice);
    const rows = await api.database.prisma.session.findMany();
    const everything = JSON.stringify(rows);
    expect(everything).not.toContain(tokens.accessToken);
    expect(everything).not.toContain(tokens.refreshToken);
  });

  it('refuses requests without a token or with a made-up one', async () => {
    expect((await api.request('get', '/v1/me')).body.error.code).toBe('UNAUTHENTICATED');
    expect((await api.request('get', '/v1/me', { token: 'pbat_madeUpTokenValue' })).body.error.code).toBe(
      'UNAUTHENTICATED',
    );
  });
});
