import { modelCacheDirectory } from '@privexbot/schema/sentence-model';
import { z } from 'zod';

/** Everything the gateway reads from its environment, validated once at start. */
export interface GatewayConfig {
  host: string;
  port: number;
  /** Holds the sealed signer key and the attestation log. */
  dataDir: string;
  /** Shared with the api platform: HMAC key of `POST /v1/chat`. */
  platformSecret: string;
  /** Bearer token of the relayers' `GET /attestations`. */
  feedToken: string;
  /** Bearer token `GET /metrics` requires; undefined: /metrics is not served (404). */
  metricsToken?: string;
  /** Accepted clock difference and replay-memory span of platform calls. */
  authWindowMs: number;
  upstream?: {
    baseURL: string;
    apiKey: string;
    /** Bot model name → upstream model name. Empty: names pass through unchanged. */
    modelMap: Record<string, string>;
    timeoutMs: number;
  };
  /** Encrypts the signer key file at rest; without it the file is plain with mode 0600. */
  sealKey?: string;
  /** Base URL of the SecretVM attestation server (e.g. https://localhost:29343). */
  secretVmAttestationUrl?: string;
  /** Path of the quote on that server. */
  secretVmQuotePath: string;
  /** A quote file instead (SecretVM mounts one per VM-generated key); wins over the server. */
  teeQuoteFile?: string;
  /** Import this PEM secp256k1 key (SecretVM's VM-generated key) instead of generating one. */
  signerKeyPemFile?: string;
  /** Largest accepted request body. */
  maxBodyBytes: number;
  /** Where the bootstrap put the sentence model the offline answerer uses (`PRIVEXBOT_CACHE`; default: the user's cache). */
  modelCacheDirectory?: string;
}

const secret = (name: string) =>
  z.string({ error: `${name} is required` }).min(16, `${name} must be at least 16 characters`);

const envSchema = z.object({
  /** Address the gateway listens on. */
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** Port the gateway listens on. */
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** Signer key file and attestation log. */
  GATEWAY_DATA_DIR: z.string().min(1).default('.data/gateway'),
  /** HMAC key shared with the gateway (with `GATEWAY_URL`). */
  GATEWAY_PLATFORM_SECRET: secret('GATEWAY_PLATFORM_SECRET'),
  /** Bearer token of relayers on `/attestations`. */
  GATEWAY_FEED_TOKEN: secret('GATEWAY_FEED_TOKEN'),
  /** Operators' Prometheus token; unset, /metrics is not served at all. */
  GATEWAY_METRICS_TOKEN: secret('GATEWAY_METRICS_TOKEN').optional(),
  /** Clock skew accepted on api calls. */
  GATEWAY_AUTH_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** OpenAI-compatible base URL, with `/v1`. */
  GATEWAY_UPSTREAM_BASE_URL: z.url().optional(),
  /** Upstream key (never logged, never in errors). */
  GATEWAY_UPSTREAM_API_KEY: z.string().optional(),
  /** `bot-model=upstream-model,...` or a JSON object; `*` is a fallback; an unlisted model gets 400 `UNKNOWN_MODEL`. Required with an upstream outside insecure dev mode: the gateway refuses to start without it. */
  GATEWAY_MODEL_MAP: z.string().optional(),
  /** Per upstream call. */
  GATEWAY_UPSTREAM_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  /** Encrypts the signer key file at rest. */
  GATEWAY_SEAL_KEY: z.string().min(16, 'GATEWAY_SEAL_KEY must be at least 16 characters').optional(),
  /** The SecretVM attestation server, e.g. `https://localhost:29343`. */
  GATEWAY_SECRETVM_ATTESTATION_URL: z.url().optional(),
  /** Where that server serves the quote. */
  GATEWAY_SECRETVM_QUOTE_PATH: z.string().startsWith('/').default('/cpu'),
  /** A TEE quote read from a file instead of the SecretVM attestation server. */
  GATEWAY_TEE_QUOTE_FILE: z.string().min(1).optional(),
  /** The signing key, PEM, instead of the one the gateway generates and seals in its data directory. */
  GATEWAY_SIGNER_KEY_PEM_FILE: z.string().min(1).optional(),
  /** Larger bodies get 413. */
  GATEWAY_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
});

/** Parses `GATEWAY_MODEL_MAP`: JSON object or `bot=upstream,bot2=upstream2`. */
export function parseModelMap(text: string | undefined): Record<string, string> {
  if (!text?.trim()) return {};
  if (text.trim().startsWith('{')) {
    const parsed = z.record(z.string(), z.string().min(1)).safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error('GATEWAY_MODEL_MAP must map model names to model names');
    return parsed.data;
  }
  const entries = text.split(',').map((pair) => pair.split('=').map((s) => s.trim()));
  if (entries.some((e) => e.length !== 2 || !e[0] || !e[1])) {
    throw new Error('GATEWAY_MODEL_MAP must look like "bot-model=upstream-model,other=upstream"');
  }
  return Object.fromEntries(entries);
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  // An empty variable means unset (compose files and shells often pass `VAR=`).
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    // Messages name the variable, never its value: some of them are secrets.
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid gateway configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    host: e.GATEWAY_HOST,
    port: e.GATEWAY_PORT,
    dataDir: e.GATEWAY_DATA_DIR,
    platformSecret: e.GATEWAY_PLATFORM_SECRET,
    feedToken: e.GATEWAY_FEED_TOKEN,
    ...(e.GATEWAY_METRICS_TOKEN ? { metricsToken: e.GATEWAY_METRICS_TOKEN } : {}),
    authWindowMs: e.GATEWAY_AUTH_WINDOW_SECONDS * 1000,
    upstream: e.GATEWAY_UPSTREAM_BASE_URL
      ? {
          baseURL: e.GATEWAY_UPSTREAM_BASE_URL,
          apiKey: e.GATEWAY_UPSTREAM_API_KEY ?? '',
          modelMap: parseModelMap(e.GATEWAY_MODEL_MAP),
          timeoutMs: e.GATEWAY_UPSTREAM_TIMEOUT_SECONDS * 1000,
        }
      : undefined,
    sealKey: e.GATEWAY_SEAL_KEY,
    secretVmAttestationUrl: e.GATEWAY_SECRETVM_ATTESTATION_URL,
    secretVmQuotePath: e.GATEWAY_SECRETVM_QUOTE_PATH,
    teeQuoteFile: e.GATEWAY_TEE_QUOTE_FILE,
    signerKeyPemFile: e.GATEWAY_SIGNER_KEY_PEM_FILE,
    maxBodyBytes: e.GATEWAY_MAX_BODY_BYTES,
    modelCacheDirectory: modelCacheDirectory(env),
  };
}
