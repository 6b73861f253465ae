import { z } from 'zod';

/** What an org API key may do. Admin actions (keys, invitations) are never available to keys. */
export const apiKeyScopes = [
  'org:read',
  'audit:read',
  'bots:read',
  'bots:write',
  'knowledge:write',
  'conversations:read',
  'chat',
] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];
export const apiKeyScopeSchema = z.enum(apiKeyScopes);
