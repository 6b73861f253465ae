/**
 * Every call to the PrivexBot api goes through here: the session's bearer token (no cookies, so
 * a cross-origin api needs no credentialed CORS), JSON in and out, and the api's error body `{ error: { code, message, details?, requestId } }`
 * turned into ApiRequestError. A 404 that is not the api's own JSON error means the route does
 * not exist (yet): ApiRouteMissingError, so pages can say so plainly.
 */
import { isErrorCode } from '@privexbot/schema/errors';
import type { DappConfig } from '../config.js';
import { ApiRequestError, ApiRouteMissingError, ApiUnreachableError } from '../errors.js';
import { accessTokenIsStale, refreshSession } from './refresh-session.js';

export interface ApiRequestParameters {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/** Codes an api may use for "no such route" in its JSON 404 (Express has none by default). */

export async function apiRequest<T>(config: DappConfig, parameters: ApiRequestParameters): Promise<T> {
  const method = parameters.method ?? 'GET';
  const response = await apiFetch(config, parameters);
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return body as T;
  throw apiErrorFrom(response.status, body, `${method} ${parameters.path}`);
}

/**
 * The raw response, for streams that read the body themselves. Refreshes a stale access token
 * first, and retries once after a 401 if a refresh yields a new token.
 */
export async function apiFetch(config: DappConfig, parameters: ApiRequestParameters): Promise<Response> {
  const session = config.session.get();
  if (session && accessTokenIsStale(session)) await refreshSession(config);
  const tokenBefore = config.session.get()?.token;
  const response = await sendOnce(config, parameters);
  if (response.status !== 401 || !tokenBefore || !config.session.get()?.refreshToken) return response;
  const refreshed = await refreshSession(config);
  if (!refreshed?.token || refreshed.token === tokenBefore) return response;
  return sendOnce(config, parameters);
}

async function sendOnce(config: DappConfig, parameters: ApiRequestParameters): Promise<Response> {
  const url = apiUrl(config, parameters.path, parameters.query);
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = config.session.get()?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (parameters.body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await config.fetch(url, {
      method: parameters.method ?? 'GET',
      headers,
      ...(parameters.body === undefined ? {} : { body: JSON.stringify(parameters.body) }),
      ...(parameters.signal ? { signal: parameters.signal } : {}),
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiUnreachableError({ cause });
  }
}

export function apiUrl(config: DappConfig, path: string, query?: ApiRequestParameters['query']): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined) search.set(key, String(value));
  const suffix = search.size > 0 ? `?${search}` : '';
  return `${config.apiUrl}${path}${suffix}`;
}

export function apiErrorFrom(status: number, body: unknown, route: string): Error {
  const error = (
    body as { error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown } }
  )?.error;
  const code = isErrorCode(error?.code) ? error.code : undefined;
  if ((status === 404 && !code) || status === 501 || code === 'ROUTE_NOT_FOUND') {
    return new ApiRouteMissingError(route);
  }
  return new ApiRequestError({
    status,
    code: code ?? `HTTP_${status}`,
    message: typeof error?.message === 'string' ? error.message : `The api answered ${status}.`,
    ...(typeof error?.requestId === 'string' ? { requestId: error.requestId } : {}),
    ...(error?.details === undefined ? {} : { details: error.details }),
  });
}
