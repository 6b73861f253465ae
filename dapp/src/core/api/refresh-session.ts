/**
 * Access tokens are short-lived; the refresh token (rotated on every use) gets a new one until
 * the session ends. Refreshes are single-flight: parallel requests share one, so a rotated
 * refresh token is never used twice.
 */
import type { ApiSession, DappConfig } from '../config.js';

const inFlight = new WeakMap<DappConfig, Promise<ApiSession | undefined>>();
/** refresh a little early, so a token never expires on the way to the api */
const EARLY_MS = 15_000;

export function accessTokenIsStale(session: ApiSession, now = Date.now()): boolean {
  return Boolean(
    session.refreshToken && session.expiresAt && Date.parse(session.expiresAt) - EARLY_MS <= now,
  );
}

export function refreshSession(config: DappConfig): Promise<ApiSession | undefined> {
  let pending = inFlight.get(config);
  if (!pending) {
    pending = doRefresh(config).finally(() => inFlight.delete(config));
    inFlight.set(config, pending);
  }
  return pending;
}

async function doRefresh(config: DappConfig): Promise<ApiSession | undefined> {
  const session = config.session.get();
  if (!session?.refreshToken) return session;
  let response: Response;
  try {
    response = await config.fetch(`${config.apiUrl}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ refreshToken: session.refreshToken }),
    });
  } catch {
    return session; // offline: keep the session, the request itself will report the failure
  }
  if (!response.ok) {
    // The session ended (expired, signed out elsewhere): sign in again.
    if (response.status === 401 || response.status === 403) config.session.set(undefined);
    return config.session.get();
  }
  const tokens = (await response.json()) as {
    address: string;
    accessToken: string;
    accessExpiresAt: string;
    refreshToken: string;
    sessionExpiresAt: string;
  };
  const next: ApiSession = {
    address: tokens.address,
    token: tokens.accessToken,
    expiresAt: tokens.accessExpiresAt,
    refreshToken: tokens.refreshToken,
    sessionExpiresAt: tokens.sessionExpiresAt,
  };
  config.session.set(next);
  return next;
}
