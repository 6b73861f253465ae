import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { addressSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { createSignInChallenge } from '../services/auth/create-sign-in-challenge.js';
import { limitSignInAttempts } from '../services/auth/limit-sign-in-attempts.js';
import { refreshSession } from '../services/auth/refresh-session.js';
import { signOut } from '../services/auth/sign-out.js';
import { verifySignIn } from '../services/auth/verify-sign-in.js';

const base64 = (what: string, maxLength: number) =>
  z
    .string()
    .max(maxLength)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, `${what} must be base64`);

const sessionTokensSchema = z.object({
  address: z.string(),
  accessToken: z.string(),
  accessExpiresAt: z.string(),
  refreshToken: z.string(),
  sessionExpiresAt: z.string(),
});

export function authRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { config, db } = deps;
  const address = addressSchema(config.bech32Prefix);
  const limits = (req: Request, res: Response) => ({
    db,
    ip: req.ip,
    limitPerMinute: config.authRateLimitPerMinute,
    setRetryAfter: (seconds: number) => res.setHeader('retry-after', String(seconds)),
  });
  return [
    defineRoute({
      method: 'get',
      path: '/auth/challenge',
      tag: 'auth',
      summary: 'Get a sign-in message to sign with Keplr signArbitrary (ADR-36)',
      auth: 'none',
      query: z.object({ address }),
      response: z.object({ message: z.string(), nonce: z.string(), expiresAt: z.string() }),
      handler: async ({ query, req, res, now }) => {
        await limitSignInAttempts({ ...limits(req, res), step: 'challenge', now });
        return createSignInChallenge({
          db,
          address: query.address,
          domain: config.authDomain,
          uri: config.publicUrl,
          chainId: config.chainId,
          ttlSeconds: config.signInChallengeTtlSeconds,
          now,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/verify',
      tag: 'auth',
      summary: 'Exchange a signed challenge for a session (bearer access + refresh tokens)',
      auth: 'none',
      body: z.object({
        address,
        pubKey: base64('pubKey', 100),
        signature: base64('signature', 200),
        message: z.string().min(1).max(2000),
      }),
      response: sessionTokensSchema,
      successStatus: 201,
      handler: async ({ body, req, res, now }) => {
        await limitSignInAttempts({ ...limits(req, res), step: 'verify', now });
        return verifySignIn({
          db,
          ...body,
          expected: {
            domain: config.authDomain,
            uri: config.publicUrl,
            chainId: config.chainId,
            bech32Prefix: config.bech32Prefix,
          },
          accessTtlSeconds: config.accessTokenTtlSeconds,
          sessionTtlSeconds: config.sessionTtlSeconds,
          ...(req.get('user-agent') ? { userAgent: req.get('user-agent') } : {}),
          now,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      tag: 'auth',
      summary: 'Rotate the refresh token and get a new access token',
      auth: 'none',
      body: z.object({ refreshToken: z.string().min(10).max(200) }),
      response: sessionTokensSchema,
      handler: ({ body, now }) =>
        refreshSession({
          db,
          refreshToken: body.refreshToken,
          accessTtlSeconds: config.accessTokenTtlSeconds,
          now,
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/sign-out',
      tag: 'auth',
      summary: 'End this session, or every session of this wallet with { everywhere: true }',
      auth: 'session',
      body: z.object({ everywhere: z.boolean().default(false) }).default({ everywhere: false }),
      response: z.object({ signedOut: z.number() }),
      handler: async ({ body, principal, now }) => {
        if (principal.kind !== 'user') throw new Error('unreachable: session route');
        return signOut({
          db,
          sessionId: principal.sessionId,
          address: principal.address,
          everywhere: body.everywhere,
          now,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/me',
      tag: 'auth',
      summary: 'Who is signed in',
      auth: 'session',
      response: z.object({ address: z.string(), sessionId: z.string() }),
      handler: async ({ principal }) => {
        if (principal.kind !== 'user') throw new Error('unreachable: session route');
        return { address: principal.address, sessionId: principal.sessionId };
      },
    }),
  ];
}
