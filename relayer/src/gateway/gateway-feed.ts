import { z } from 'zod';
import type { GatewaySource } from '../config/load-relayer-config.js';
import { RelayerError } from '../loop/relayer-error.js';
import { nativeFetch } from '../native-fetch.js';

/** One page of a gateway's `GET /attestations` (api/src/gateway/start-gateway.ts). Attestations stay unparsed here. */
export interface FeedPage {
  signer: string;
  lastSeq: bigint;
  attestations: unknown[];
}

const pageSchema = z.object({
  signer: z.string(),
  last_seq: z.string().regex(/^\d+$/),
  attestations: z.array(z.unknown()),
});

const identitySchema = z.object({ signer: z.string().regex(/^0[23][0-9a-f]{64}$/) });

/** The gateway's own limit on a page. */
export const MAX_FEED_PAGE = 1000;

/**
 * HTTP client of one gateway's attestation feed. Failures are classified here, once:
 * unreachable or 5xx → retry; 401/403 → fatal (the token is wrong, retrying cannot help).
 */
export class GatewayFeed {
  constructor(
    readonly source: GatewaySource,
    private readonly fetchFn: typeof fetch = nativeFetch,
    private readonly timeoutMs = 10_000,
  ) {}

  get url(): string {
    return this.source.url;
  }

  /** The gateway's signer key, from its public `GET /attestation`. */
  async signer(): Promise<string> {
    const body = await this.get('/attestation', false);
    const parsed = identitySchema.safeParse(body);
    if (!parsed.success)
      throw new RelayerError(
        'gateway_bad_response',
        `${this.url}/attestation did not name a signer key`,
        'retry',
      );
    return parsed.data.signer;
  }

  async page(after: bigint, limit: number): Promise<FeedPage> {
    const body = await this.get(`/attestations?after=${after}&limit=${Math.min(limit, MAX_FEED_PAGE)}`, true);
    const parsed = pageSchema.safeParse(body);
    if (!parsed.success)
      throw new RelayerError(
        'gateway_bad_response',
        `${this.url}/attestations answered an unexpected shape`,
        'retry',
      );
    return {
      signer: parsed.data.signer,
      lastSeq: BigInt(parsed.data.last_seq),
      attestations: parsed.data.attestations,
    };
  }

  private async get(path: string, authenticated: boolean): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.url}${path}`, {
        headers: authenticated ? { authorization: `Bearer ${this.source.token}` } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new RelayerError('gateway_unreachable', `gateway ${this.url} is unreachable`, 'retry', { cause });
    }
    if (response.status === 401 || response.status === 403) {
      await discard(response);
      throw new RelayerError(
        'gateway_unauthorized',
        `gateway ${this.url} refused the feed token (HTTP ${response.status})`,
        'fatal',
      );
    }
    if (!response.ok) {
      await discard(response);
      throw new RelayerError(
        'gateway_error',
        `gateway ${this.url} answered HTTP ${response.status}`,
        'retry',
      );
    }
    try {
      return await response.json();
    } catch (cause) {
      throw new RelayerError(
        'gateway_bad_response',
        `gateway ${this.url} answered a body that is not JSON`,
        'retry',
        { cause },
      );
    }
  }
}

/** Reads and drops a body so the connection can be reused (works with any fetch implementation). */
async function discard(response: Response): Promise<void> {
  await response.arrayBuffer().catch(() => undefined);
}
