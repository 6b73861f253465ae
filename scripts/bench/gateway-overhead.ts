/**
 * Gateway overhead per request: time to first token and total time of a streamed answer,
 * through the inference gateway versus straight to the same upstream, in the same run.
 *
 *   npx tsx scripts/bench/gateway-overhead.ts        (env: REQUESTS, CONCURRENCY, TTFT_MS, TOKEN_DELAY_MS, TOKENS)
 *
 * The upstream is the local OpenAI-compatible stand-in; the gateway runs as its own process
 * (its real entry point), as in production. Direct and gateway requests alternate so drift in
 * machine load hits both alike. The gateway's extra work per answer: HMAC check, validation,
 * SSE re-framing, token accounting, one secp256k1 signature and one fsync of the attestation log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttestationLog } from '@privexbot/api/gateway/attestation-log';
import { createNativeSigner } from '@privexbot/api/gateway/create-native-signer';
import { spawnGatewayProcess } from '@privexbot/api/gateway/test-support/spawn-gateway-process';
import {
  createAttestationSigner,
  gatewayAuthHeaders,
  generateSignerKey,
} from '@privexbot/schema/attestation';
import { startLlmStandin } from '@privexbot/test-support/llm-standin';

const REQUESTS = Number(process.env.REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const TTFT_MS = Number(process.env.TTFT_MS ?? 20);
const TOKEN_DELAY_MS = Number(process.env.TOKEN_DELAY_MS ?? 2);
const TOKENS = Number(process.env.TOKENS ?? 32);
const SECRET = 'bench-platform-secret-0123456789';

interface Timing {
  ttftMs: number;
  totalMs: number;
}

async function main(): Promise<void> {
  const standin = await startLlmStandin({
    ttftMs: TTFT_MS,
    tokenDelayMs: TOKEN_DELAY_MS,
    answerTokens: TOKENS,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const gateway = await spawnGatewayProcess({
    GATEWAY_DATA_DIR: dataDir,
    GATEWAY_PLATFORM_SECRET: SECRET,
    GATEWAY_FEED_TOKEN: 'bench-feed-token-0123456789',
    GATEWAY_UPSTREAM_BASE_URL: standin.url,
  });
  try {
    const messages = [{ role: 'user', content: 'How fast is the gateway?' }];
    const direct = () =>
      timeStream(
        `${standin.url}/chat/completions`,
        {},
        { model: 'standin-small', messages, stream: true, max_tokens: TOKENS },
        'data: {',
      );
    const viaGateway = () => {
      const body = {
        org: '1',
        bot: '8f14e45f-ceea-467f-a2b8-2c1d2e3f4a5b',
        model: 'standin-small',
        messages,
        max_tokens: TOKENS,
      };
      return timeStream(
        `${gateway.url}/v1/chat`,
        (text) => gatewayAuthHeaders(SECRET, text),
        body,
        'event: token',
      );
    };
    for (let i = 0; i < 10; i++) await Promise.all([direct(), viaGateway()]); // warm-up

    const directTimings: Timing[] = [];
    const gatewayTimings: Timing[] = [];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        if (i % 2 === 0) directTimings.push(await direct());
        else gatewayTimings.push(await viaGateway());
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;

    console.log(
      `gateway overhead: ${REQUESTS} streamed answers (${TOKENS} tokens, upstream TTFT ${TTFT_MS} ms, ${TOKEN_DELAY_MS} ms/token), concurrency ${CONCURRENCY}, ${seconds.toFixed(1)} s`,
    );
    const row = (name: string, t: Timing[]) =>
      `${name.padEnd(10)} n=${String(t.length).padEnd(4)} TTFT p50 ${p(t, 'ttftMs', 50)} p95 ${p(t, 'ttftMs', 95)} | total p50 ${p(t, 'totalMs', 50)} p95 ${p(t, 'totalMs', 95)} (ms)`;
    console.log(row('direct', directTimings));
    console.log(row('gateway', gatewayTimings));
    const delta = (key: keyof Timing, q: number) =>
      (
        percentile(
          gatewayTimings.map((t) => t[key]),
          q,
        ) -
        percentile(
          directTimings.map((t) => t[key]),
          q,
        )
      ).toFixed(1);
    console.log(
      `overhead   TTFT p50 +${delta('ttftMs', 50)} p95 +${delta('ttftMs', 95)} | total p50 +${delta('totalMs', 50)} p95 +${delta('totalMs', 95)} (ms)`,
    );
  } finally {
    await gateway.stop();
    await standin.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Time to the first content event and to the end of one streamed request. */
async function timeStream(
  url: string,
  headers: Record<string, string> | ((body: string) => Record<string, string>),
  body: unknown,
  firstMarker: string,
): Promise<Timing> {
  const text = JSON.stringify(body);
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(typeof headers === 'function' ? headers(text) : headers),
    },
    body: text,
  });
  if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}`);
  let ttftMs = Number.NaN;
  let seen = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (Number.isNaN(ttftMs)) {
      seen += decoder.decode(chunk, { stream: true });
      // The stand-in opens with an empty role chunk; count the first chunk that carries content.
      if (seen.includes(firstMarker) && /"(content|text)":"[^"]/.test(seen))
        ttftMs = performance.now() - started;
    }
  }
  return { ttftMs, totalMs: performance.now() - started };
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? Number.NaN;
}

function p(timings: Timing[], key: keyof Timing, q: number): string {
  return percentile(
    timings.map((t) => t[key]),
    q,
  )
    .toFixed(1)
    .padStart(6);
}

/**
 * Sign-and-log throughput: how many attestations per second the gateway can sign and commit
 * durably (group commit: appends waiting for a write share its fsync).
 */
async function attestationThroughput(): Promise<void> {
  const signers = [
    { name: 'libsecp256k1 (gateway)', create: createNativeSigner },
    { name: '@noble/curves (previous)', create: createAttestationSigner },
  ];
  for (const { name, create } of signers) {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-log-'));
    try {
      const signer = create(generateSignerKey());
      const log = await AttestationLog.open(dataDir, Buffer.from(signer.publicKey).toString('hex'));
      const sign = (seq: bigint) => {
        const attestation = {
          v: 1 as const,
          signer: signer.publicKey,
          seq,
          org: 1n,
          bot: '8f14e45f-ceea-467f-a2b8-2c1d2e3f4a5b',
          ts: BigInt(Math.floor(Date.now() / 1000)),
          promptTokens: 100,
          completionTokens: 200,
          reqHash: new Uint8Array(32),
          model: 'standin-small',
        };
        return { attestation, signature: signer.sign(attestation) };
      };
      const count = Number(process.env.ATTESTATIONS ?? 1000);
      for (const concurrency of [1, 32]) {
        const started = performance.now();
        let done = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (done < count) {
              done++;
              await log.appendNext(sign);
            }
          }),
        );
        const perSecond = count / ((performance.now() - started) / 1000);
        console.log(
          `sign + durable append, ${name}: ${count} attestations, ${concurrency} in flight → ${perSecond.toFixed(0)}/s`,
        );
      }
      await log.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

await main();
await attestationThroughput();
