import { once } from 'node:events';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attestationFromJson, verifyAttestation } from '@privexbot/schema/attestation';
import { readSse } from '@privexbot/schema/sse';
import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  chatBody,
  FEED_TOKEN,
  fetchAllAttestations,
  PLATFORM_SECRET,
  postChat,
} from './test-support/call-gateway.js';
import { type GatewayProcess, spawnGatewayProcess } from './test-support/spawn-gateway-process.js';

function spawnGateway(dataDir: string, upstreamUrl: string): Promise<GatewayProcess> {
  return spawnGatewayProcess({
    GATEWAY_DATA_DIR: dataDir,
    GATEWAY_PLATFORM_SECRET: PLATFORM_SECRET,
    GATEWAY_FEED_TOKEN: FEED_TOKEN,
    GATEWAY_UPSTREAM_BASE_URL: upstreamUrl,
  });
}

let standin: LlmStandin;
let dataDir: string;
const started: GatewayProcess[] = [];
beforeAll(async () => {
  standin = await startLlmStandin({ tokenDelayMs: 25 });
  dataDir = mkdtempSync(join(tmpdir(), 'gateway-crash-'));
});
afterAll(async () => {
  await Promise.all(started.map((g) => g.kill9()));
  await standin.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('inference gateway under kill -9', () => {
  it('never reuses or skips a sequence number across crashes mid-stream, after an answer, and mid-write', async () => {
    const first = await spawnGateway(dataDir, standin.url);
    started.push(first);
    for (let i = 0; i < 3; i++) await chat(first.url, chatBody({ org: String(i + 1), max_tokens: 3 }));

    // Crash in the middle of a streamed answer.
    const res = await postChat(first.url, chatBody({ max_tokens: 40 }));
    const events = readSse(res.body);
    expect((await events.next()).value?.event).toBe('token');
    expect((await events.next()).value?.event).toBe('token');
    const upstreamAborted = once(standin.events, 'aborted');
    await first.kill9();
    await upstreamAborted; // the dead gateway's upstream connection closed with it

    const logFile = readdirSync(dataDir).find((f) => f.startsWith('attestations-')) as string;
    expect(readFileSync(join(dataDir, logFile), 'utf8').trim().split('\n')).toHaveLength(3);
    // Crash in the middle of writing a line: a torn tail that was never synced or served.
    appendFileSync(join(dataDir, logFile), '{"v":1,"signer":"02ab');

    const second = await spawnGateway(dataDir, standin.url);
    started.push(second);
    const health = (await (await fetch(`${second.url}/healthz`)).json()) as { last_seq: string };
    expect(health.last_seq).toBe('3');
    expect((await chat(second.url)).done?.attestation.seq).toBe('4');
    // Crash right after an answer completed.
    await second.kill9();

    const third = await spawnGateway(dataDir, standin.url);
    started.push(third);
    expect((await chat(third.url)).done?.attestation.seq).toBe('5');

    const all = await fetchAllAttestations(third.url, 2);
    expect(all.map((a) => a.seq)).toEqual(['1', '2', '3', '4', '5']);
    expect(new Set(all.map((a) => a.signer)).size).toBe(1);
    for (const json of all) {
      const signed = attestationFromJson(json);
      expect(verifyAttestation(signed.attestation, signed.signature)).toBe(true);
    }
    await third.kill9();
  });
});
