import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { type BotPlatformSettings, loadBotPlatformSettings } from './services/bots/bot-platform-settings.js';

/**
 * Every setting of the api, read once from the environment and validated here; the rest of
 * the code receives a typed `Config` and never reads process.env. README.md lists them.
 */
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal('').transform(() => undefined));

const environmentSchema = z.object({
  /** `development`, `test`, `production`. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Where the api listens. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Port the api listens on (0: any free port). */
  PORT: integer(0, 65535).default(8080),
  /** Pino level (`silent` … `trace`). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `postgresql://…`; `npm start` points it at the embedded database. */
  DATABASE_URL: z
    .string({
      error: 'DATABASE_URL is required (postgresql://...); `npm start` sets it to the embedded database',
    })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  /**
   * Connections in the api's pool. Unset: 1 on the embedded database (detected at start),
   * 8 otherwise. pglite-socket interleaves concurrent connections' extended-protocol
   * messages onto PGlite's single session (electric-sql/pglite#1046), so more than one
   * connection to it corrupts queries under load.
   */
  DATABASE_POOL_MAX: integer(1, 100).optional(),
  /** Origins of the dapp allowed to call the authenticated routes from a browser (CORS), comma-separated. */
  CORS_ORIGINS: z.string().default(''),
  /** The built dapp (dapp/dist): served as static files, index.html for other HTML GETs. */
  DAPP_DIST_DIR: z.string().optional(),
  /** The URL users reach the api at; its host is the sign-in domain, the URL the sign-in URI. */
  PUBLIC_URL: z.string().url().optional(),
  /**
   * The reverse proxies in front of the api, by address or CIDR (comma-separated; also
   * `loopback`, `linklocal`, `uniquelocal`). X-Forwarded-For is read only from these peers,
   * from the right, up to the first address not listed: that one is the client. Empty: the
   * socket's peer is the client and X-Forwarded-For is ignored.
   */
  TRUSTED_PROXIES: z.string().default(''),
  /** Chain id sign-in messages must name. */
  CHAIN_ID: z.string().min(1).default('privexbot-devnet-1'),
  /** Account address prefix. */
  BECH32_PREFIX: z.string().min(1).default('secret'),
  /** Which ChainClient adapter reads org roles: the devnet, Secret Network (LCD), CosmWasm (RPC). */
  CHAIN_KIND: z.enum(['devnet', 'secret', 'cosmwasm']).default('devnet'),
  /** Secret LCD (e.g. http://localhost:1317) or CosmWasm RPC (…:26657); defaults to DEVNET_URL for the devnet. */
  CHAIN_URL: z.string().url().optional(),
  /** The devnet's HTTP API. */
  DEVNET_URL: z.string().url().default('http://127.0.0.1:26680'),
  /** Billing contract address; on the devnet it is discovered from /status when unset. */
  BILLING_CONTRACT: z.string().optional(),
  /** Inference gateway base URL, checked by /readyz when set. */
  GATEWAY_URL: optionalUrl,
  /** Validity of a sign-in challenge. */
  SIGN_IN_CHALLENGE_TTL_SECONDS: integer(30, 3600).default(300),
  /** Access token lifetime. */
  ACCESS_TOKEN_TTL_SECONDS: integer(60, 86_400).default(900),
  /** Absolute session lifetime (30 days). */
  SESSION_TTL_SECONDS: integer(300, 365 * 86_400).default(30 * 86_400),
  /** Max age of the org/role mirror before a request re-reads the chain. */
  ORG_SYNC_TTL_SECONDS: integer(0, 86_400).default(60),
  /** Background refresh of stale mirrors (0 = off). */
  ORG_REFRESH_INTERVAL_SECONDS: integer(0, 86_400).default(300),
  /** JSON body limit (413 above). */
  MAX_BODY_BYTES: integer(1024, 50 * 1024 * 1024).default(1024 * 1024),
  /** Sign-in requests per client IP per minute, each of GET /auth/challenge and POST /auth/verify. */
  AUTH_RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(30),
  /**
   * Bearer token that GET /metrics requires (Prometheus: `authorization: { credentials }`).
   * Unset: /metrics is not served at all.
   */
  METRICS_TOKEN: z
    .string()
    .min(16)
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  host: string;
  port: number;
  logLevel: string;
  databaseUrl: string;
  /** undefined: decided at start (1 on the embedded database, else 8). */
  databasePoolMax: number | undefined;
  /** Browser origins allowed on the authenticated routes; PUBLIC_URL's origin is always allowed. */
  corsOrigins: string[];
  dappDistDir: string | undefined;
  publicUrl: string;
  /** Host (and port) of publicUrl: the `domain` of sign-in messages. */
  authDomain: string;
  /** Addresses, CIDRs or proxy-addr names whose X-Forwarded-For counts (Express `trust proxy`). */
  trustedProxies: string[];
  chainId: string;
  bech32Prefix: string;
  chain: { kind: 'devnet' | 'secret' | 'cosmwasm'; url: string };
  /** The devnet's HTTP API (dev accounts, faucet); the chain itself when CHAIN_KIND is devnet. */
  devnetUrl: string;
  billingContract: string | undefined;
  gatewayUrl: string | undefined;
  signInChallengeTtlSeconds: number;
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  orgSyncTtlSeconds: number;
  orgRefreshIntervalSeconds: number;
  maxBodyBytes: number;
  authRateLimitPerMinute: number;
  metricsToken: string | undefined;
  /** Bots, knowledge, chat, leads and webhooks (services/bots/bot-platform-settings.ts). */
  platform: BotPlatformSettings;
}

const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

function parseTrustedProxies(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const valid = proxyNames.has(entry) || (entry.includes('/') ? isCidr(entry) : ipaddr.isValid(entry));
    if (!valid)
      throw new ConfigError(
        `invalid configuration:\n  TRUSTED_PROXIES: "${entry}" is not an address, a CIDR, loopback, linklocal or uniquelocal`,
      );
  }
  return entries;
}

function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Throws ConfigError naming every bad variable, e.g. `PORT: expected a number, got "abc"`. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = env[name];
      // Values of secret-looking variables are never echoed.
      const shown =
        value === undefined || /SECRET|KEY|PASSWORD|TOKEN|DATABASE_URL/.test(name) ? '' : ` (got "${value}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.CHAIN_KIND !== 'devnet' && !e.CHAIN_URL) {
    throw new ConfigError(`invalid configuration:\n  CHAIN_URL: required when CHAIN_KIND is ${e.CHAIN_KIND}`);
  }
  if (e.CHAIN_KIND !== 'devnet' && !e.BILLING_CONTRACT) {
    throw new ConfigError(
      `invalid configuration:\n  BILLING_CONTRACT: required when CHAIN_KIND is ${e.CHAIN_KIND}`,
    );
  }
  let platform: BotPlatformSettings;
  try {
    platform = loadBotPlatformSettings(env, e.NODE_ENV);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const corsOrigins = e.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map((origin) => {
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        throw new ConfigError(`invalid configuration:\n  CORS_ORIGINS: "${origin}" is not a URL`);
      }
      if (parsed.origin !== origin.replace(/\/$/, ''))
        throw new ConfigError(
          `invalid configuration:\n  CORS_ORIGINS: "${origin}" must be an origin (scheme://host[:port]), without a path`,
        );
      return parsed.origin;
    });
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    corsOrigins: [...new Set([new URL(publicUrl).origin, ...corsOrigins])],
    dappDistDir: e.DAPP_DIST_DIR || undefined,
    publicUrl,
    authDomain: new URL(publicUrl).host,
    trustedProxies: parseTrustedProxies(e.TRUSTED_PROXIES),
    chainId: e.CHAIN_ID,
    bech32Prefix: e.BECH32_PREFIX,
    chain: { kind: e.CHAIN_KIND, url: e.CHAIN_URL ?? e.DEVNET_URL },
    devnetUrl: e.DEVNET_URL,
    billingContract: e.BILLING_CONTRACT || undefined,
    gatewayUrl: e.GATEWAY_URL,
    signInChallengeTtlSeconds: e.SIGN_IN_CHALLENGE_TTL_SECONDS,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    orgSyncTtlSeconds: e.ORG_SYNC_TTL_SECONDS,
    orgRefreshIntervalSeconds: e.ORG_REFRESH_INTERVAL_SECONDS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    metricsToken: e.METRICS_TOKEN,
    platform,
  };
}
