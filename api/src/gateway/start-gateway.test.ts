import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attestationFromJson, gatewayAuthHeaders, verifyAttestation } from '@privexbot/schema/attestation';
import { readSse } from '@privexbot/schema/sse';
import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_NOTHING_FOUND } from './answer-offline.js';
import type { GatewayConfig } from './load-gateway-config.js';
import { loadSignerKey } from './load-signer-key.js';
import { type Gateway, startGateway } from './start-gateway.js';
import {
  BOT,
  chat,
  chatBody,
  FEED_TOKEN,
  type FeedPage,
  fetchAllAttestations,
  fetchFeed,
  PLATFORM_SECRET,
  postChat,
  stopChat,
} from './test-support/call-gateway.js';
import { sha256, startSecretVmStandin, tdxQuoteV4 } from './test-support/start-secretvm-standin.js';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
const running: Gateway[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  dirs.push(dir);
  return dir;
}

const METRICS_TOKEN = 'metrics-token-0123456789';

function config(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir: tempDir(),
    platformSecret: PLATFORM_SECRET,
    feedToken: FEED_TOKEN,
    metricsToken: METRICS_TOKEN,
    authWindowMs: 30_000,
    secretVmQuotePath: '/cpu',
    maxBodyBytes: 100_000,
    ...overrides,
  };
}

async function gateway(cfg: GatewayConfig): Promise<Gateway> {
  const started = await startGateway(cfg, { logger: silent });
  running.push(started);
  return started;
}

let standin: LlmStandin;
beforeAll(async () => {
  standin = await startLlmStandin({ apiKey: 'sk-upstream' });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((g) => g.close()));
});
afterAll(async () => {
  await standin.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const upstream = (extra: Partial<NonNullable<GatewayConfig['upstream']>> = {}) => ({
  baseURL: standin.url,
  apiKey: 'sk-upstream',
  modelMap: {},
  timeoutMs: 10_000,
  ...extra,
});

describe('inference gateway: operators', () => {
  it('serves /metrics to the operator token only, and not at all without one', async () => {
    const gw = await gateway(config());
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${FEED_TOKEN}` } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('gateway_chat_requests_total');
    const { metricsToken: _unset, ...withoutToken } = config();
    const closed = await gateway(withoutToken);
    expect(
      (await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }))
        .status,
    ).toBe(404);
  });
});

describe('inference gateway: upstream answers', () => {
  it('streams the upstream answer token by token, then a signed attestation with upstream usage', async () => {
    const gw = await gateway(config({ upstream: upstream() }));
    const first = await chat(gw.url);
    expect(first.tokens.length).toBe(6);
    expect(first.tokens.join('')).toBe('Stand-in answer about What does the.');
    expect(first.done?.usage).toEqual({ prompt_tokens: 5, completion_tokens: 6, counted_by: 'upstream' });
    expect(standin.stats.lastChatRequest?.stream_options).toEqual({ include_usage: true });
    const signed = attestationFromJson(first.done?.attestation);
    expect(verifyAttestation(signed.attestation, signed.signature)).toBe(true);
    expect(signed.attestation).toMatchObject({
      seq: 1n,
      org: 42n,
      bot: BOT,
      model: 'standin-small',
      promptTokens: 5,
      completionTokens: 6,
    });
    expect(Buffer.from(signed.attestation.signer).toString('hex')).toBe(gw.signerHex);
    const second = await chat(gw.url);
    expect(second.done?.attestation.seq).toBe('2');
    // Same question, same answer: the hash is salted per answer, so the two cannot be linked.
    expect(second.tokens).toEqual(first.tokens);
    expect(second.done?.attestation.req_hash).not.toBe(first.done?.attestation.req_hash);
    const identity = (await (await fetch(`${gw.url}/attestation`)).json()) as {
      signer: string;
      insecure: boolean;
      last_seq: string;
    };
    expect(identity).toMatchObject({ signer: gw.signerHex, insecure: true, last_seq: '2' });
  });

  it('maps bot models to upstream models, and refuses a model it does not serve', async () => {
    const gw = await gateway(config({ upstream: upstream({ modelMap: { 'bot-model': 'standin-large' } }) }));
    const outcome = await chat(gw.url, chatBody({ model: 'bot-model' }));
    expect(standin.stats.lastChatRequest?.model).toBe('standin-large');
    expect(outcome.done?.attestation.model).toBe('standin-large');
    // null means "not set", as the api sends it for a bot without limits.
    const unbounded = await chat(
      gw.url,
      chatBody({ model: 'bot-model', max_tokens: null, temperature: null }),
    );
    expect(unbounded.done?.attestation.seq).toBe('2');
    expect(standin.stats.lastChatRequest).not.toHaveProperty('max_tokens');
    const refused = await postChat(gw.url, chatBody({ model: 'other' }));
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { code: string; details: unknown; requestId: string } };
    expect(body.error.code).toBe('UNKNOWN_MODEL');
    expect(body.error.details).toEqual({ models: ['bot-model'] });
    expect(body.error.requestId).toMatch(/\S/);
  });

  it('counts with the tokenizer when the upstream reports no usage', async () => {
    const quiet = await startLlmStandin({ reportUsage: false });
    try {
      const gw = await gateway(config({ upstream: upstream({ baseURL: quiet.url }) }));
      const outcome = await chat(gw.url);
      expect(outcome.done?.usage.counted_by).toBe('gpt-tokenizer/o200k_base');
      // "Stand-in answer about What does the." is 8 o200k tokens; the prompt is framed per message.
      expect(outcome.done?.usage.completion_tokens).toBe(8);
      expect(outcome.done?.usage.prompt_tokens).toBeGreaterThan(6);
      expect(outcome.done?.attestation.completion_tokens).toBe(8);
    } finally {
      await quiet.close();
    }
  });

  it('turns an upstream failure into an error event without an attestation', async () => {
    const gw = await gateway(config({ upstream: upstream({ apiKey: 'sk-wrong' }) }));
    const outcome = await chat(gw.url);
    expect(outcome.error?.error.code).toBe('UPSTREAM_ERROR');
    expect(outcome.error?.error.message).not.toContain('sk-wrong');
    expect(outcome.done).toBeUndefined();
    expect(await fetchAllAttestations(gw.url)).toEqual([]);
  });

  it('aborts the upstream call when the client goes away, and attests the tokens it consumed', async () => {
    const slow = await startLlmStandin({ tokenDelayMs: 40 });
    try {
      const gw = await gateway(config({ upstream: upstream({ baseURL: slow.url }) }));
      const controller = new AbortController();
      const aborted = once(slow.events, 'aborted');
      const res = await postChat(gw.url, chatBody({ max_tokens: 50 }), {
        signal: controller.signal,
        headers: { 'x-request-id': 'left-early' },
      });
      const events = readSse(res.body);
      const first = await events.next();
      expect(first.value?.event).toBe('token');
      controller.abort();
      await aborted;
      expect(slow.stats.completedStreams).toBe(0);
      // The api reads back what the answer it dropped consumed: the prompt and the tokens so far.
      const outcome = await stopChat(gw.url, 'left-early');
      expect(outcome).toMatchObject({ request_id: 'left-early', attested: true, partial: true });
      expect(outcome.usage.prompt_tokens).toBeGreaterThan(0);
      expect(outcome.usage.completion_tokens).toBeGreaterThanOrEqual(1);
      expect(outcome.usage.completion_tokens).toBeLessThan(50);
      expect(outcome.attestation.seq).toBe('1');
      // Asking again gives the same outcome: the api counts it once whatever it retries.
      expect(await stopChat(gw.url, 'left-early')).toEqual(outcome);
      const next = await chat(gw.url);
      expect(next.done?.attestation.seq).toBe('2');
      const metrics = await (
        await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text();
      expect(metrics).toMatch(/gateway_chat_requests_total\{outcome="aborted"\} 1/);
    } finally {
      await slow.close();
    }
  });

  it('stops an answer on request and ends its stream with the partial attestation', async () => {
    const slow = await startLlmStandin({ tokenDelayMs: 30 });
    try {
      const gw = await gateway(config({ upstream: upstream({ baseURL: slow.url }) }));
      const res = await postChat(gw.url, chatBody({ max_tokens: 100 }), {
        headers: { 'x-request-id': 'stop-me' },
      });
      const events = readSse(res.body);
      expect((await events.next()).value?.event).toBe('token');
      const stopped = await stopChat(gw.url, 'stop-me');
      const rest: { event: string; data: string }[] = [];
      for await (const event of events) rest.push(event);
      const done = JSON.parse(rest.at(-1)?.data ?? '{}');
      expect(rest.at(-1)?.event).toBe('done');
      expect(done.partial).toBe(true);
      expect(done.attestation).toEqual(stopped.attestation);
      expect(await fetchAllAttestations(gw.url)).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('refuses a request whose id was stopped before it arrived, and never calls the model for it', async () => {
    const gw = await gateway(config({ upstream: upstream() }));
    const before = standin.stats.chatRequests;
    expect(await stopChat(gw.url, 'too-late')).toEqual({
      request_id: 'too-late',
      attested: false,
      reason: 'not_started',
    });
    const refused = await postChat(gw.url, chatBody(), { headers: { 'x-request-id': 'too-late' } });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('DUPLICATE_REQUEST');
    expect(standin.stats.chatRequests).toBe(before);
    expect(await fetchAllAttestations(gw.url)).toEqual([]);
  });

  it('attests what a model produced before it failed mid-stream, and says it failed', async () => {
    const failing = await startLlmStandin({ failAfterTokens: 3 });
    try {
      const gw = await gateway(config({ upstream: upstream({ baseURL: failing.url }) }));
      const outcome = await chat(gw.url, chatBody({ max_tokens: 20 }));
      expect(outcome.tokens).toHaveLength(3);
      expect(outcome.done).toBeUndefined();
      const error = outcome.error as unknown as {
        error: { code: string };
        usage: { completion_tokens: number; counted_by: string };
        attestation: { seq: string; completion_tokens: number };
      };
      expect(error.error.code).toBe('UPSTREAM_ERROR');
      expect(error.usage.counted_by).toBe('gpt-tokenizer/o200k_base');
      expect(error.attestation.completion_tokens).toBe(error.usage.completion_tokens);
      expect(error.usage.completion_tokens).toBeGreaterThanOrEqual(3);
      const all = await fetchAllAttestations(gw.url);
      expect(all.map((a) => a.seq)).toEqual(['1']);
    } finally {
      await failing.close();
    }
  });

  it('lists the models it serves', async () => {
    const mapped = await gateway(
      config({ upstream: upstream({ modelMap: { 'bot-b': 'standin-large', 'bot-a': 'standin-small' } }) }),
    );
    expect(await (await fetch(`${mapped.url}/models`)).json()).toEqual({
      models: ['bot-a', 'bot-b'],
      open: false,
      offline: false,
    });
    const offline = await gateway(config());
    expect(await (await fetch(`${offline.url}/models`)).json()).toEqual({
      models: [],
      open: true,
      offline: true,
    });
  });
});

describe('inference gateway: platform authentication', () => {
  it('refuses a missing or bad signature, a stale timestamp and a replay, and signs nothing', async () => {
    const gw = await gateway(config({ upstream: upstream() }));
    const body = JSON.stringify(chatBody());
    const send = (headers: Record<string, string>) =>
      fetch(`${gw.url}/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const codeOf = async (res: Response) => {
      expect(res.status).toBe(401);
      return ((await res.json()) as { error: { code: string } }).error.code;
    };
    expect(await codeOf(await send({}))).toBe('UNAUTHORIZED');
    expect(await codeOf(await send(gatewayAuthHeaders('wrong-secret-wrong-secret', body)))).toBe(
      'BAD_SIGNATURE',
    );
    expect(await codeOf(await send(gatewayAuthHeaders(PLATFORM_SECRET, body, Date.now() + 31_000)))).toBe(
      'STALE_TIMESTAMP',
    );
    const fresh = gatewayAuthHeaders(PLATFORM_SECRET, body);
    const accepted = await send(fresh);
    expect(accepted.status).toBe(200);
    await accepted.text();
    expect(await codeOf(await send(fresh))).toBe('REPLAYED_REQUEST');
    const tampered = gatewayAuthHeaders(PLATFORM_SECRET, body);
    const res = await fetch(`${gw.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...tampered },
      body: body.replace('"42"', '"43"'),
    });
    expect(await codeOf(res)).toBe('BAD_SIGNATURE');
    expect((await fetchAllAttestations(gw.url)).map((a) => a.seq)).toEqual(['1']);
  });

  it('answers bad input with a 4xx and a stable code', async () => {
    const gw = await gateway(config({ upstream: upstream(), maxBodyBytes: 2_000 }));
    const cases: [unknown, number, string][] = [
      [chatBody({ bot: 'not-a-uuid' }), 400, 'INVALID_REQUEST'],
      [chatBody({ org: '18446744073709551616' }), 400, 'INVALID_REQUEST'],
      [chatBody({ messages: [] }), 400, 'INVALID_REQUEST'],
      [chatBody({ temperature: 3 }), 400, 'INVALID_REQUEST'],
      [chatBody({ messages: [{ role: 'user', content: 'x'.repeat(3_000) }] }), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [body, status, code] of cases) {
      const res = await postChat(gw.url, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const notJson = await fetch(`${gw.url}/v1/chat`, {
      method: 'POST',
      headers: gatewayAuthHeaders(PLATFORM_SECRET, '{oops'),
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${gw.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${gw.url}/v1/chat`)).status).toBe(405);
  });
});

describe('inference gateway: attestation feed and restarts', () => {
  it('pages through /attestations in sequence order, for bearer holders only', async () => {
    const cfg = config({ upstream: upstream() });
    const gw = await gateway(cfg);
    for (let i = 0; i < 5; i++) await chat(gw.url, chatBody({ org: String(100 + i) }));
    const page = async (query: string) => (await (await fetchFeed(gw.url, query)).json()) as FeedPage;
    const first = await page('?after=0&limit=2');
    expect(first.attestations.map((a) => a.seq)).toEqual(['1', '2']);
    expect(first).toMatchObject({ signer: gw.signerHex, last_seq: '5', next_after: '2' });
    expect((await page('?after=2&limit=2')).attestations.map((a) => a.org)).toEqual(['102', '103']);
    expect((await page('?after=4&limit=2')).attestations.map((a) => a.seq)).toEqual(['5']);
    expect((await page('?after=5')).attestations).toEqual([]);
    expect((await page('?after=99')).attestations).toEqual([]);
    for (const json of await fetchAllAttestations(gw.url, 2)) {
      const signed = attestationFromJson(json);
      expect(verifyAttestation(signed.attestation, signed.signature)).toBe(true);
    }
    expect((await fetchFeed(gw.url, '', 'wrong-token')).status).toBe(401);
    expect((await fetch(`${gw.url}/attestations`)).status).toBe(401);
    expect((await fetchFeed(gw.url, '?limit=0')).status).toBe(400);
    expect((await fetchFeed(gw.url, '?after=-1')).status).toBe(400);
  });

  it('gives concurrent answers distinct, gap-free sequence numbers', async () => {
    const gw = await gateway(config({ upstream: upstream() }));
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        chat(gw.url, chatBody({ org: String(i), max_tokens: 2 + (i % 5) })),
      ),
    );
    const seqs = outcomes.map((o) => Number(o.done?.attestation.seq)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const feed = await fetchAllAttestations(gw.url, 5);
    expect(feed.map((a) => a.seq)).toEqual(seqs.map(String));
    // Each answer's own attestation is the one in the feed at its seq.
    for (const outcome of outcomes) {
      expect(feed[Number(outcome.done?.attestation.seq) - 1]).toEqual(outcome.done?.attestation);
    }
  });

  it('keeps its key and continues its sequence after a restart', async () => {
    const cfg = config({ upstream: upstream() });
    const before = await gateway(cfg);
    await chat(before.url);
    await chat(before.url);
    await before.close();
    running.splice(running.indexOf(before), 1);
    const after = await gateway(cfg);
    expect(after.signerHex).toBe(before.signerHex);
    // A request signed (and perhaps captured) before the restart cannot be replayed after it.
    const old = await postChat(after.url, chatBody(), { nowMs: Date.now() - 1_000 });
    expect(old.status).toBe(401);
    expect(((await old.json()) as { error: { code: string } }).error.code).toBe('STALE_TIMESTAMP');
    expect((await chat(after.url)).done?.attestation.seq).toBe('3');
    expect((await fetchAllAttestations(after.url)).map((a) => a.seq)).toEqual(['1', '2', '3']);
  });

  it('seals the key file with GATEWAY_SEAL_KEY and refuses a wrong one', async () => {
    const dataDir = tempDir();
    const sealed = loadSignerKey(dataDir, 'a-seal-key-of-enough-length');
    const file = readFileSync(join(dataDir, 'signer-key.json'), 'utf8');
    expect(file).not.toContain(Buffer.from(sealed.privateKey).toString('hex'));
    expect(loadSignerKey(dataDir, 'a-seal-key-of-enough-length').publicKey).toEqual(sealed.publicKey);
    expect(() => loadSignerKey(dataDir, 'another-seal-key-entirely')).toThrow(/cannot unseal/);
    expect(() => loadSignerKey(dataDir, undefined)).toThrow(/sealed/);
  });
});

describe('inference gateway: offline answerer', () => {
  it('composes an extractive answer from the passages, marks it offline for the platform, and attests it', async () => {
    const gw = await gateway(config());
    const outcome = await chat(
      gw.url,
      chatBody({
        max_tokens: undefined,
        messages: [{ role: 'user', content: 'How long is the refund window?' }],
        passages: [
          {
            text: 'Shipping takes five days. The refund window is 30 days from delivery.',
            source: 'policy.md',
          },
          { text: 'Our office is in Lisbon.' },
        ],
      }),
    );
    const text = outcome.tokens.join('');
    expect(text).toBe('The refund window is 30 days from delivery. [policy.md]');
    expect(text).not.toContain('Lisbon');
    expect(outcome.tokens.length).toBeGreaterThan(5);
    // The platform cites what the answer quotes: the first passage, not the second.
    expect(outcome.done).toMatchObject({ offline: true, model: 'offline-extractive', cited: [0] });
    expect(outcome.done?.usage.counted_by).toBe('gpt-tokenizer/o200k_base');
    expect(outcome.done?.attestation.seq).toBe('1');
    const nothing = await chat(
      gw.url,
      chatBody({ max_tokens: 100, passages: [{ text: 'Unrelated words only.' }] }),
    );
    expect(nothing.tokens.join('')).toBe(OFFLINE_NOTHING_FOUND);
    const capped = await chat(
      gw.url,
      chatBody({ max_tokens: 3, passages: [{ text: 'Unrelated words only.' }] }),
    );
    expect(capped.tokens).toEqual(['I ', 'could ', 'not ']);
    const fallback = 'Ask our team at help@example.com.';
    const withFallback = await chat(
      gw.url,
      chatBody({
        max_tokens: 100,
        fallback_message: fallback,
        passages: [{ text: 'Unrelated words only.', source: 'other.md' }],
      }),
    );
    expect(withFallback.tokens.join('')).toBe(fallback);
    expect(withFallback.done?.cited).toEqual([]);
    expect(withFallback.done?.attestation.seq).toBe('4');
    const refused = await postChat(gw.url, chatBody({ fallback_message: '' }));
    expect(refused.status).toBe(400);
  });
});

describe('inference gateway: TEE quote', () => {
  it('passes through a SecretVM quote whose report_data binds the signer key', async () => {
    const cfg = config();
    const key = loadSignerKey(cfg.dataDir, undefined);
    const reportData = Buffer.concat([sha256(key.publicKey), Buffer.alloc(32)]);
    const secretVm = await startSecretVmStandin(reportData);
    try {
      const gw = await gateway({ ...cfg, secretVmAttestationUrl: secretVm.url });
      const body = (await (await fetch(`${gw.url}/attestation`)).json()) as {
        insecure: boolean;
        signer: string;
        tee: { kind: string; quote: string; reportData: string };
      };
      expect(body.insecure).toBe(false);
      expect(body.signer).toBe(Buffer.from(key.publicKey).toString('hex'));
      expect(body.tee.kind).toBe('tdx');
      expect(body.tee.quote).toBe(secretVm.quoteHex);
      expect(body.tee.reportData).toBe(reportData.toString('hex'));
    } finally {
      await secretVm.close();
    }
  });

  it('reads the quote from the .html page too', async () => {
    const cfg = config();
    const key = loadSignerKey(cfg.dataDir, undefined);
    const secretVm = await startSecretVmStandin(Buffer.concat([sha256(key.publicKey), Buffer.alloc(32)]));
    try {
      const gw = await gateway({
        ...cfg,
        secretVmAttestationUrl: secretVm.url,
        secretVmQuotePath: '/cpu.html',
      });
      expect(gw.quote.insecure).toBe(false);
    } finally {
      await secretVm.close();
    }
  });

  it("signs with SecretVM's VM-generated PEM key and serves its mounted quote file", async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const dir = tempDir();
    const pemFile = join(dir, 'privkey.pem');
    const quoteFile = join(dir, 'quote.txt');
    writeFileSync(pemFile, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    writeFileSync(quoteFile, tdxQuoteV4(Buffer.concat([sha256(spki), Buffer.alloc(32)])).toString('hex'));
    const cfg = config({ signerKeyPemFile: pemFile, teeQuoteFile: quoteFile });
    const gw = await gateway(cfg);
    const uncompressed = spki.subarray(spki.length - 65);
    const compressed = Buffer.concat([
      Buffer.of(2 + ((uncompressed[64] ?? 0) & 1)),
      uncompressed.subarray(1, 33),
    ]);
    expect(gw.signerHex).toBe(compressed.toString('hex'));
    expect(gw.quote).toMatchObject({ insecure: false, kind: 'tdx', source: 'file' });
    expect(gw.quote.insecure === false && gw.quote.binding).toMatch(/SPKI/);
    const outcome = await chat(gw.url, chatBody({ passages: [{ text: 'The gateway signs usage.' }] }));
    const signed = attestationFromJson(outcome.done?.attestation);
    expect(verifyAttestation(signed.attestation, signed.signature)).toBe(true);
    expect(signed.attestation.signer).toEqual(Uint8Array.from(compressed));
    // The key file in the data directory keeps the salt only, never the imported key.
    expect(readFileSync(join(cfg.dataDir, 'signer-key.json'), 'utf8')).not.toMatch(/privateKey/);
  });

  it('refuses to start when the quote binds another key', async () => {
    const secretVm = await startSecretVmStandin(Buffer.alloc(64, 7));
    try {
      await expect(
        startGateway(config({ secretVmAttestationUrl: secretVm.url }), { logger: silent }),
      ).rejects.toThrow(/does not bind the signer key/);
    } finally {
      await secretVm.close();
    }
  });

  it('refuses to start outside dev mode with an upstream but no model map', async () => {
    const cfg = config({ upstream: upstream() });
    const key = loadSignerKey(cfg.dataDir, undefined);
    const secretVm = await startSecretVmStandin(Buffer.concat([sha256(key.publicKey), Buffer.alloc(32)]));
    try {
      await expect(
        startGateway({ ...cfg, secretVmAttestationUrl: secretVm.url }, { logger: silent }),
      ).rejects.toThrow(/GATEWAY_MODEL_MAP is required/);
      const gw = await gateway({
        ...cfg,
        upstream: upstream({ modelMap: { 'bot-model': 'standin-small' } }),
        secretVmAttestationUrl: secretVm.url,
      });
      expect((await chat(gw.url, chatBody({ model: 'bot-model' }))).done?.attestation.seq).toBe('1');
      expect((await postChat(gw.url, chatBody({ model: 'standin-large' }))).status).toBe(400);
    } finally {
      await secretVm.close();
    }
  });

  it('says plainly that it is insecure without an attestation server', async () => {
    const gw = await gateway(config());
    const body = (await (await fetch(`${gw.url}/attestation`)).json()) as {
      insecure: boolean;
      tee: { reason: string };
    };
    expect(body.insecure).toBe(true);
    expect(body.tee.reason).toMatch(/INSECURE DEV MODE/);
    const health = (await (await fetch(`${gw.url}/healthz`)).json()) as { status: string; answerer: string };
    expect(health).toMatchObject({ status: 'ok', answerer: 'offline' });
  });
});
