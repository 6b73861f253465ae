import { nativeFetch } from '@privexbot/schema/fetch';
import { type SignedReceiptJson, signedReceiptJsonSchema } from '@privexbot/schema/receipt';
import { z } from 'zod';
import type { GatewaySource } from '../config/load-relayer-config.js';
import { RelayerError } from '../loop/relayer-error.js';

/** The gateway's 409 codes a relayer acts on; each becomes the relayer error `GATEWAY_<code>`. */
const gatewayRefusals = ['RANGE_NOT_ATTESTED', 'RECEIPT_CONFLICT', 'RECEIPT_NOT_CONTIGUOUS'] as const;
type GatewayRefusal = (typeof gatewayRefusals)[number];
const isGatewayRefusal = (code: string): code is GatewayRefusal =>
  (gatewayRefusals as readonly string[]).includes(code);

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
        'GATEWAY_BAD_RESPONSE',
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
        'GATEWAY_BAD_RESPONSE',
        `${this.url}/attestations answered an unexpected shape`,
        'retry',
      );
    return {
      signer: parsed.data.signer,
      lastSeq: BigInt(parsed.data.last_seq),
      attestations: parsed.data.attestations,
    };
  }

  /**
   * The gateway's signed receipt over `first..=last` (settlement v2, `POST /receipts`). Asking
   * again for the same range returns the same receipt, so a relayer that lost the answer (a
   * timeout, a crash) simply asks again. The gateway's refusals are classified here:
   * `RANGE_NOT_ATTESTED` → retry (its log has not reached `last`); `RECEIPT_CONFLICT` and
   * `RECEIPT_NOT_CONTIGUOUS` → reconcile (our view of what is receipted is stale); the receipt's
   * content is not trusted here: `verifyReceiptLeaves` checks it against the attestations.
   */
  async receipt(first: bigint, last: bigint): Promise<SignedReceiptJson> {
    const body = await this.request('/receipts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ first_seq: first.toString(), last_seq: last.toString() }),
      refusals: {
        RANGE_NOT_ATTESTED: 'retry',
        RECEIPT_CONFLICT: 'reconcile',
        RECEIPT_NOT_CONTIGUOUS: 'reconcile',
      },
    });
    const parsed = signedReceiptJsonSchema.safeParse(body);
    if (
      !parsed.success ||
      parsed.data.first_seq !== first.toString() ||
      parsed.data.last_seq !== last.toString()
    )
      throw new RelayerError(
        'GATEWAY_BAD_RESPONSE',
        `${this.url}/receipts did not answer a receipt of ${first}..${last}`,
        'retry',
      );
    return parsed.data as SignedReceiptJson;
  }

  private get(path: string, authenticated: boolean): Promise<unknown> {
    return this.request(path, { authenticated });
  }

  private async request(
    path: string,
    options: {
      authenticated?: boolean;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      /** the gateway's 409 codes this call expects, and how each is handled */
      refusals?: Partial<Record<GatewayRefusal, 'retry' | 'reconcile'>>;
    },
  ): Promise<unknown> {
    const authenticated = options.authenticated ?? true;
    let response: Response;
    try {
      response = await this.fetchFn(`${this.url}${path}`, {
        method: options.method ?? 'GET',
        headers: {
          ...(options.headers ?? {}),
          ...(authenticated ? { authorization: `Bearer ${this.source.token}` } : {}),
        },
        ...(options.body !== undefined ? { body: options.body } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new RelayerError('GATEWAY_UNREACHABLE', `gateway ${this.url} is unreachable`, 'retry', { cause });
    }
    if (response.status === 409 && options.refusals) {
      const refusal = (await response.json().catch(() => undefined)) as
        | { error?: { code?: string; message?: string; details?: unknown } }
        | undefined;
      const code = refusal?.error?.code ?? '';
      const failureClass = isGatewayRefusal(code) ? options.refusals[code] : undefined;
      if (isGatewayRefusal(code) && failureClass)
        throw new RelayerError(
          `GATEWAY_${code}`,
          `gateway ${this.url}: ${refusal?.error?.message ?? code}`,
          failureClass,
          { details: refusal?.error?.details },
        );
      throw new RelayerError('GATEWAY_ERROR', `gateway ${this.url} answered HTTP 409 ${code}`, 'retry');
    }
    if (response.status === 401 || response.status === 403) {
      await discard(response);
      throw new RelayerError(
        'GATEWAY_UNAUTHORIZED',
        `gateway ${this.url} refused the feed token (HTTP ${response.status})`,
        'fatal',
      );
    }
    if (!response.ok) {
      await discard(response);
      throw new RelayerError(
        'GATEWAY_ERROR',
        `gateway ${this.url} answered HTTP ${response.status}`,
        'retry',
      );
    }
    try {
      return await response.json();
    } catch (cause) {
      throw new RelayerError(
        'GATEWAY_BAD_RESPONSE',
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
