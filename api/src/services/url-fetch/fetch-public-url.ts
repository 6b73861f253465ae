import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isAllowedAddress } from './public-address.js';

export interface UrlFetchPolicy {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Content types (without parameters) that may be fetched; `ANY_CONTENT_TYPE` admits all. */
  allowedContentTypes: readonly string[];
  /**
   * Keep the first `maxBytes` bytes of a longer body instead of refusing it (robots.txt, of
   * which RFC 9309 has crawlers read at least the first 500 KiB).
   */
  truncateAtMaxBytes?: boolean;
  /** Test-only: lets 127.0.0.0/8 and ::1 through (never other private ranges). */
  allowLoopback: boolean;
  /** DNS resolution; replaceable so tests can make a name resolve to a private address. */
  lookup?: typeof dnsLookup;
  /** A conditional GET (re-crawls): a 304 answer comes back as `notModified` instead of an error. */
  validators?: { etag?: string | null; lastModified?: string | null };
}

/** An `allowedContentTypes` entry that admits every type (also the request's Accept). */
export const ANY_CONTENT_TYPE = '*/*';

export interface FetchedDocument {
  /** The URL after redirects. */
  url: string;
  contentType: string;
  body: Buffer;
  /** Every URL fetched on the way, the first one included (redirects). */
  hops: string[];
  /** True when a conditional GET was answered 304: `body` is empty. */
  notModified: boolean;
  etag: string | null;
  lastModified: string | null;
}

export type UrlFetchFailure =
  | 'invalid_url'
  | 'blocked_address'
  | 'too_many_redirects'
  | 'redirect_loop'
  | 'redirect_invalid'
  | 'timeout'
  | 'too_large'
  | 'unsupported_content_type'
  | 'http_error'
  | 'network_error';

export class UrlFetchError extends Error {
  override readonly name = 'UrlFetchError';
  constructor(
    readonly reason: UrlFetchFailure,
    message: string,
    /** The HTTP status, for `http_error`. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Fetches a user-supplied URL without letting it reach the api's own network (SSRF). Every
 * hop is checked twice: the literal host before connecting, and each address DNS returns at
 * connect time (inside the socket's lookup, so a name cannot resolve to a public address for
 * the check and a private one for the connection). Redirects are followed by hand, each new
 * URL checked again. Node's http/https is used directly because fetch() gives no hook on the
 * resolved address.
 */
export async function fetchPublicUrl(rawUrl: string, policy: UrlFetchPolicy): Promise<FetchedDocument> {
  const deadline = AbortSignal.timeout(policy.timeoutMs);
  let current = parseHttpUrl(rawUrl);
  const hops: string[] = [];
  for (let hop = 0; hop <= policy.maxRedirects; hop++) {
    hops.push(current.toString());
    const response = await requestOnce(current, policy, deadline);
    if (response.redirect) {
      current = parseRedirect(response.redirect, current);
      if (hops.includes(current.toString()))
        throw new UrlFetchError('redirect_loop', 'the server redirects in a loop');
      continue;
    }
    return {
      url: current.toString(),
      contentType: response.contentType,
      body: response.body,
      hops,
      notModified: response.notModified ?? false,
      etag: response.etag ?? null,
      lastModified: response.lastModified ?? null,
    };
  }
  throw new UrlFetchError('too_many_redirects', `more than ${policy.maxRedirects} redirects`);
}

/** The next hop: a Location that is not a valid http(s) URL is the server's fault, named as such. */
function parseRedirect(location: string, from: URL): URL {
  try {
    return parseHttpUrl(new URL(location, from).toString());
  } catch (error) {
    if (error instanceof UrlFetchError && error.reason !== 'invalid_url') throw error;
    throw new UrlFetchError(
      'redirect_invalid',
      'the server redirected to an invalid or non-http(s) location',
    );
  }
}

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlFetchError('invalid_url', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlFetchError('invalid_url', 'only http and https URLs can be fetched');
  }
  if (url.username || url.password)
    throw new UrlFetchError('invalid_url', 'URLs with credentials are refused');
  return url;
}

interface OneResponse {
  redirect?: string;
  contentType: string;
  body: Buffer;
  notModified?: boolean;
  etag?: string;
  lastModified?: string;
}

function requestOnce(url: URL, policy: UrlFetchPolicy, deadline: AbortSignal): Promise<OneResponse> {
  try {
    assertPublicLiteral(url, policy.allowLoopback);
  } catch (error) {
    return Promise.reject(error);
  }
  const lookup = guardedLookup(policy);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<OneResponse>((resolvePromise, reject) => {
    const request = client.request(
      url,
      {
        method: 'GET',
        lookup,
        signal: deadline,
        headers: {
          'user-agent': 'PrivexBot-Ingest/1.0',
          accept: policy.allowedContentTypes.join(', '),
          ...(policy.validators?.etag ? { 'if-none-match': policy.validators.etag } : {}),
          ...(policy.validators?.lastModified ? { 'if-modified-since': policy.validators.lastModified } : {}),
        },
        // No connection reuse: every hop is resolved and checked anew.
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          resolvePromise({ redirect: response.headers.location, contentType: '', body: Buffer.alloc(0) });
          return;
        }
        if (status === 304 && policy.validators) {
          response.resume();
          resolvePromise({
            notModified: true,
            contentType: '',
            body: Buffer.alloc(0),
            ...validatorsOf(response),
          });
          return;
        }
        if (status < 200 || status >= 300) {
          response.resume();
          reject(new UrlFetchError('http_error', `the server answered HTTP ${status}`, status));
          return;
        }
        const contentType =
          (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (
          !policy.allowedContentTypes.includes(ANY_CONTENT_TYPE) &&
          !policy.allowedContentTypes.includes(contentType)
        ) {
          response.destroy();
          reject(
            new UrlFetchError(
              'unsupported_content_type',
              `content type "${contentType || 'none'}" cannot be ingested`,
            ),
          );
          return;
        }
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > policy.maxBytes && !policy.truncateAtMaxBytes) {
          response.destroy();
          reject(new UrlFetchError('too_large', `the document is larger than ${policy.maxBytes} bytes`));
          return;
        }
        const parts: Buffer[] = [];
        let size = 0;
        response.on('data', (part: Buffer) => {
          if (size > policy.maxBytes) return;
          size += part.length;
          if (size > policy.maxBytes) {
            response.destroy();
            if (policy.truncateAtMaxBytes) {
              parts.push(part.subarray(0, part.length - (size - policy.maxBytes)));
              resolvePromise({ contentType, body: Buffer.concat(parts), ...validatorsOf(response) });
              return;
            }
            reject(new UrlFetchError('too_large', `the document is larger than ${policy.maxBytes} bytes`));
            return;
          }
          parts.push(part);
        });
        response.on('end', () =>
          resolvePromise({ contentType, body: Buffer.concat(parts), ...validatorsOf(response) }),
        );
        response.on('error', (error) => reject(toFetchError(error, deadline)));
      },
    );
    request.on('error', (error) => reject(toFetchError(error, deadline)));
    request.end();
  });
}

function validatorsOf(response: http.IncomingMessage): { etag?: string; lastModified?: string } {
  const etag = response.headers.etag;
  const lastModified = response.headers['last-modified'];
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

function toFetchError(error: unknown, deadline: AbortSignal): UrlFetchError {
  if (error instanceof UrlFetchError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof UrlFetchError) return cause;
  if (deadline.aborted) return new UrlFetchError('timeout', 'the server did not answer in time');
  return new UrlFetchError(
    'network_error',
    `the URL could not be fetched (${(error as NodeJS.ErrnoException).code ?? 'network error'})`,
  );
}

/**
 * A socket `lookup` that resolves with `policy.lookup` (default: the system resolver) and
 * refuses the connection when any resolved address is not public: the check happens at
 * connect time, on the very addresses the socket will use. Webhook delivery uses it too.
 */
export function guardedLookup(policy: Pick<UrlFetchPolicy, 'allowLoopback' | 'lookup'>): LookupFunction {
  const resolve = policy.lookup ?? dnsLookup;
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const refused = list.find((entry) => !isAllowedAddress(entry.address, policy.allowLoopback));
      if (refused || list.length === 0) {
        return callback(
          new UrlFetchError('blocked_address', `${hostname} resolves to a non-public address`),
          '',
          0,
        );
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** Refuses an IP-literal host that is not public (Node's lookup is skipped for literals). */
export function assertPublicLiteral(url: URL, allowLoopback: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isAllowedAddress(host, allowLoopback)) {
    throw new UrlFetchError('blocked_address', `${host} is not a public address`);
  }
}
