import type { ApiKeyScope } from './api-key-scopes.js';

/** Who is calling: a signed-in wallet, or an org's API key (server-to-server). */
export type Principal =
  | { kind: 'user'; address: string; sessionId: string }
  | { kind: 'apiKey'; keyId: string; orgId: string; scopes: readonly ApiKeyScope[] };

/** The actor string written to the audit log. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.address : `apikey:${principal.keyId}`;
}
