import { gatewayAuthHeaders, type SignedAttestationJson } from '@privexbot/schema/attestation';
import { readSse } from '@privexbot/schema/sse';

export const PLATFORM_SECRET = 'platform-secret-for-tests-only';
export const FEED_TOKEN = 'feed-token-for-tests-only';
export const BOT = '8f14e45f-ceea-467f-a2b8-2c1d2e3f4a5b';

export function chatBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    org: '42',
    bot: BOT,
    model: 'standin-small',
    messages: [{ role: 'user', content: 'What does the gateway sign?' }],
    max_tokens: 6,
    ...overrides,
  };
}

/** POSTs a signed chat request; `auth` overrides let tests forge the headers. */
export function postChat(
  gatewayUrl: string,
  body: unknown,
  options: { secret?: string; nowMs?: number; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  const text = JSON.stringify(body);
  return fetch(`${gatewayUrl}/v1/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...gatewayAuthHeaders(options.secret ?? PLATFORM_SECRET, text, options.nowMs ?? Date.now()),
      ...options.headers,
    },
    body: text,
    signal: options.signal,
  });
}

/** `POST /v1/chat/stop`: stops the answer of `requestId` and returns what it consumed. */
// biome-ignore lint/suspicious/noExplicitAny: tests read the outcome by shape
export async function stopChat(gatewayUrl: string, requestId: string): Promise<any> {
  const text = JSON.stringify({ request_id: requestId });
  const res = await fetch(`${gatewayUrl}/v1/chat/stop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...gatewayAuthHeaders(PLATFORM_SECRET, text) },
    body: text,
  });
  if (res.status !== 200) throw new Error(`stop failed with ${res.status}: ${await res.text()}`);
  return res.json();
}

export interface ChatOutcome {
  tokens: string[];
  done?: {
    usage: { prompt_tokens: number; completion_tokens: number; counted_by: string };
    model: string;
    offline: boolean;
    /** Passage indexes the answer quotes (offline answers). */
    cited?: number[];
    attestation: SignedAttestationJson;
  };
  error?: { error: { code: string; message: string; requestId: string } };
}

/** Runs one chat to its end and collects what the stream carried. */
export async function chat(gatewayUrl: string, body: unknown = chatBody()): Promise<ChatOutcome> {
  const res = await postChat(gatewayUrl, body);
  if (res.status !== 200) throw new Error(`chat failed with ${res.status}: ${await res.text()}`);
  const outcome: ChatOutcome = { tokens: [] };
  for await (const event of readSse(res.body)) {
    if (event.event === 'token') outcome.tokens.push((JSON.parse(event.data) as { text: string }).text);
    else if (event.event === 'done') outcome.done = JSON.parse(event.data);
    else if (event.event === 'error') outcome.error = JSON.parse(event.data);
  }
  return outcome;
}

export interface FeedPage {
  signer: string;
  last_seq: string;
  next_after: string;
  attestations: SignedAttestationJson[];
}

export async function fetchFeed(gatewayUrl: string, query: string, token = FEED_TOKEN): Promise<Response> {
  return fetch(`${gatewayUrl}/attestations${query}`, { headers: { authorization: `Bearer ${token}` } });
}

/** Every attestation of the gateway, paging through the feed. */
export async function fetchAllAttestations(
  gatewayUrl: string,
  pageSize = 100,
): Promise<SignedAttestationJson[]> {
  const all: SignedAttestationJson[] = [];
  let after = '0';
  for (;;) {
    const page = (await (
      await fetchFeed(gatewayUrl, `?after=${after}&limit=${pageSize}`)
    ).json()) as FeedPage;
    all.push(...page.attestations);
    if (page.attestations.length === 0) return all;
    after = page.next_after;
  }
}
