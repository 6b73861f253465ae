import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer credentials: a recognizable prefix (so leaked tokens can be found by secret
 * scanners and told apart in logs) plus 32 random bytes. Only SHA-256 hashes are stored: the
 * tokens have 256 bits of entropy, so a slow password hash would add nothing.
 */
export const tokenPrefixes = { access: 'pbat_', refresh: 'pbrt_', apiKey: 'pbk_' } as const;

export function newToken(kind: keyof typeof tokenPrefixes): string {
  return `${tokenPrefixes[kind]}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
