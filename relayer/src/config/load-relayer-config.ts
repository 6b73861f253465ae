import { z } from 'zod';

/** One gateway the relayer pulls attestations from. */
export interface GatewaySource {
  /** Base URL of the inference gateway, e.g. http://127.0.0.1:8787 */
  url: string;
  /** Bearer token of its `GET /attestations` feed. */
  token: string;
  /**
   * Compressed public key (hex) the feed must be signed with. Optional: when left out, the
   * relayer learns it from the gateway's `GET /attestation` once and pins it in its database.
   */
  signer?: string;
}

export interface RelayerConfig {
  /** Stable name of this relayer process; a restarted process with the same id re-takes its own lease at once. */
  relayerId: string;
  gateways: GatewaySource[];
  chain: {
    adapter: 'devnet';
    url: string;
    /** Address of the usage contract. */
    usageContract: string;
    /** Mnemonic of the relayer's account, which the usage contract must list as a relayer. */
    mnemonic: string;
  };
  databaseUrl: string;
  /** At most this many attestations per batch (the contract's own ceiling is 1000). */
  batchSize: number;
  /** A batch is submitted once its oldest attestation has waited this long, even if not full. */
  batchAgeMs: number;
  /** How often to ask a gateway for new attestations when idle. */
  pollIntervalMs: number;
  /** How often to re-check the cursor against the chain's last sequence even without errors. */
  reconcileIntervalMs: number;
  /** Leader lease length; the holder renews it every third of this. */
  leaseTtlMs: number;
  http: { host: string; port: number };
  /** Optional directory where each batch is also written as a static `batches/<id>.json`. */
  publishDir?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const hexKey = z
  .string()
  .regex(/^0[23][0-9a-f]{64}$/, 'must be a compressed secp256k1 public key in lowercase hex');

const gatewaySchema = z.object({
  url: z.url({ error: 'url must be an http(s) URL' }),
  token: z.string().min(16, 'token must be at least 16 characters'),
  signer: hexKey.optional(),
});

const positiveInt = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const envSchema = z.object({
  RELAYER_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'RELAYER_ID must be 1..64 of [A-Za-z0-9_.-]')
    .default('relayer-1'),
  RELAYER_GATEWAYS: z
    .string({ error: 'RELAYER_GATEWAYS is required' })
    .min(1, 'RELAYER_GATEWAYS is required'),
  RELAYER_CHAIN_ADAPTER: z
    .enum(['devnet'], { error: 'RELAYER_CHAIN_ADAPTER must be "devnet"' })
    .default('devnet'),
  RELAYER_CHAIN_URL: z.url({ error: 'RELAYER_CHAIN_URL must be an http(s) URL' }),
  RELAYER_USAGE_CONTRACT: z.string({ error: 'RELAYER_USAGE_CONTRACT is required' }).min(1),
  RELAYER_MNEMONIC: z
    .string({ error: 'RELAYER_MNEMONIC is required' })
    .refine(
      (m) => [12, 15, 18, 21, 24].includes(m.trim().split(/\s+/).length),
      'RELAYER_MNEMONIC must have 12..24 words',
    ),
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is required' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgresql:// URL'),
  RELAYER_BATCH_SIZE: positiveInt('RELAYER_BATCH_SIZE', 1, 1000).default(100),
  RELAYER_BATCH_AGE_SECONDS: z.coerce
    .number({ error: 'RELAYER_BATCH_AGE_SECONDS must be a number' })
    .min(0.05, 'RELAYER_BATCH_AGE_SECONDS must be at least 0.05')
    .max(3600, 'RELAYER_BATCH_AGE_SECONDS must be at most 3600')
    .default(5),
  RELAYER_POLL_INTERVAL_MS: positiveInt('RELAYER_POLL_INTERVAL_MS', 10, 60_000).default(500),
  RELAYER_RECONCILE_INTERVAL_SECONDS: positiveInt('RELAYER_RECONCILE_INTERVAL_SECONDS', 1, 86_400).default(
    60,
  ),
  RELAYER_LEASE_TTL_SECONDS: positiveInt('RELAYER_LEASE_TTL_SECONDS', 1, 600).default(15),
  RELAYER_HOST: z.string().default('127.0.0.1'),
  RELAYER_PORT: positiveInt('RELAYER_PORT', 0, 65535).default(8790),
  RELAYER_PUBLISH_DIR: z.string().min(1).optional(),
  RELAYER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Thrown for any configuration problem; the message names every bad variable and never echoes a secret. */
export class RelayerConfigError extends Error {
  override readonly name = 'RelayerConfigError';
}

/**
 * Reads the relayer's configuration from environment variables (relayer/README.md has the
 * table). `RELAYER_GATEWAYS` is JSON: `[{"url":"http://…","token":"…","signer":"02…"?}]`.
 */
export function loadRelayerConfig(env: Record<string, string | undefined> = process.env): RelayerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `- ${issue.path.join('.') || 'environment'}: ${issue.message}`,
    );
    throw new RelayerConfigError(`invalid relayer configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let gatewaysJson: unknown;
  try {
    gatewaysJson = JSON.parse(e.RELAYER_GATEWAYS);
  } catch {
    throw new RelayerConfigError(
      'invalid relayer configuration:\n- RELAYER_GATEWAYS: must be a JSON array of {url, token, signer?}',
    );
  }
  const gateways = z.array(gatewaySchema).min(1, 'at least one gateway is required').safeParse(gatewaysJson);
  if (!gateways.success) {
    // Issue paths and messages only: a token that fails validation is never printed.
    const lines = gateways.error.issues.map(
      (issue) => `- RELAYER_GATEWAYS.${issue.path.join('.')}: ${issue.message}`,
    );
    throw new RelayerConfigError(`invalid relayer configuration:\n${lines.join('\n')}`);
  }
  const urls = gateways.data.map((g) => g.url.replace(/\/+$/, ''));
  if (new Set(urls).size !== urls.length) {
    throw new RelayerConfigError(
      'invalid relayer configuration:\n- RELAYER_GATEWAYS: a gateway URL is listed twice',
    );
  }
  return {
    relayerId: e.RELAYER_ID,
    gateways: gateways.data.map((g, i) => ({
      url: urls[i] as string,
      token: g.token,
      ...(g.signer ? { signer: g.signer } : {}),
    })),
    chain: {
      adapter: e.RELAYER_CHAIN_ADAPTER,
      url: e.RELAYER_CHAIN_URL,
      usageContract: e.RELAYER_USAGE_CONTRACT,
      mnemonic: e.RELAYER_MNEMONIC.trim(),
    },
    databaseUrl: e.DATABASE_URL,
    batchSize: e.RELAYER_BATCH_SIZE,
    batchAgeMs: Math.round(e.RELAYER_BATCH_AGE_SECONDS * 1000),
    pollIntervalMs: e.RELAYER_POLL_INTERVAL_MS,
    reconcileIntervalMs: e.RELAYER_RECONCILE_INTERVAL_SECONDS * 1000,
    leaseTtlMs: e.RELAYER_LEASE_TTL_SECONDS * 1000,
    http: { host: e.RELAYER_HOST, port: e.RELAYER_PORT },
    ...(e.RELAYER_PUBLISH_DIR ? { publishDir: e.RELAYER_PUBLISH_DIR } : {}),
    logLevel: e.RELAYER_LOG_LEVEL,
  };
}
