import { readFileSync } from 'node:fs';
import type { ChainConnection } from '@privexbot/schema/chain';
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
    /** How to reach the chain: the devnet, Secret Network (secretjs) or another CosmWasm chain (cosmjs). */
    connection: ChainConnection;
    /** Address of the usage contract. */
    usageContract: string;
    /** Mnemonic of the relayer's account, which the usage contract must list as a relayer. */
    mnemonic: string;
  };
  databaseUrl: string;
  /** `v2`: one signed receipt per range (`submit_receipt`); `v1`: every attestation on chain (`submit_batch`). */
  settlement: 'v1' | 'v2';
  /** At most this many attestations per batch or receipt range. */
  batchSize: number;
  /** A batch is submitted once its oldest attestation has waited this long, even if not full. */
  batchAgeMs: number;
  /** How often to ask a gateway for new attestations when idle. */
  pollIntervalMs: number;
  /** How often to re-check the cursor against the chain's last sequence even without errors. */
  reconcileIntervalMs: number;
  /** Leader lease length; the holder renews it every third of this. */
  leaseTtlMs: number;
  /**
   * `publicDomain`: the relayer's host as its clients name it (`relayer.example.com`), signed
   * into every ADR-36 challenge so a signature made for another site is useless here.
   */
  http: { host: string; port: number; publicDomain: string };
  /** Optional directory where each batch and receipt is also written as a static `batches/<id>.json`, `receipts/<id>.json`. */
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

const codeHash = z
  .string()
  .transform((hash) => hash.replace(/^0x/i, '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits (the SHA-256 of the contract code)'));
const gasPrice = (name: string) =>
  z.string().regex(/^\d+(\.\d+)?[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/, `${name} must look like 0.1uscrt`);

const envSchema = z
  .object({
    /** Stable name of this process for the election. */
    RELAYER_ID: z
      .string()
      .regex(/^[\w.-]{1,64}$/, 'RELAYER_ID must be 1..64 of [A-Za-z0-9_.-]')
      .default('relayer-1'),
    /** JSON `[{"url","token","signer"?}]`; `signer` (hex) pins the key, otherwise learned from `GET /attestation`. */
    RELAYER_GATEWAYS: z
      .string({ error: 'RELAYER_GATEWAYS is required' })
      .min(1, 'RELAYER_GATEWAYS is required'),
    /** `devnet`, `secret` (Secret Network through secretjs) or `cosmwasm` (any CosmWasm chain through cosmjs). */
    RELAYER_CHAIN_ADAPTER: z
      .enum(['devnet', 'secret', 'cosmwasm'], {
        error: 'RELAYER_CHAIN_ADAPTER must be "devnet", "secret" or "cosmwasm"',
      })
      .default('devnet'),
    /** The devnet's URL, the Secret LCD (`http://localsecret:1317`) or the CosmWasm chain's Tendermint RPC. */
    RELAYER_CHAIN_URL: z.url({ error: 'RELAYER_CHAIN_URL must be an http(s) URL' }),
    /** Usage contract address. */
    USAGE_CONTRACT: z.string({ error: 'USAGE_CONTRACT is required' }).min(1),
    /** The relayer account's key; the contract must list it (`add_relayer`). */
    RELAYER_MNEMONIC: z
      .string()
      .refine((m) => mnemonicWordCountOk(m), 'RELAYER_MNEMONIC must have 12..24 words')
      .optional(),
    /** A file holding that mnemonic (a mounted secret); never both. */
    RELAYER_MNEMONIC_FILE: z.string().min(1).optional(),
    // Secret Network; the deployment file provides CHAIN_ID and USAGE_CODE_HASH (scripts/docker).
    RELAYER_CHAIN_ID: z.string().min(1).optional(),
    /** Same as RELAYER_CHAIN_ID, as the deployment file names it. */
    CHAIN_ID: z.string().min(1).optional(),
    /** The usage contract's code hash, sent (encrypted) with every execution; looked up once when not given. */
    RELAYER_USAGE_CODE_HASH: codeHash.optional(),
    /** Same as RELAYER_USAGE_CODE_HASH, as the deployment file names it. */
    USAGE_CODE_HASH: codeHash.optional(),
    /** Gas limit of one `submit_batch` (Secret charges the limit × price). */
    RELAYER_GAS_LIMIT: positiveInt('RELAYER_GAS_LIMIT', 50_000, 100_000_000).optional(),
    /** Fee per gas (LocalSecret accepts `0.0125uscrt`). */
    RELAYER_GAS_PRICE: gasPrice('RELAYER_GAS_PRICE').optional(),
    /** How often to look for a broadcast transaction in a block (secretjs's default is 6 s, cosmjs's 3 s). */
    RELAYER_CONFIRM_POLL_MS: positiveInt('RELAYER_CONFIRM_POLL_MS', 100, 60_000).default(1000),
    // CosmWasm chains
    RELAYER_ADDRESS_PREFIX: z
      .string()
      .regex(/^[a-z]{1,20}$/, 'RELAYER_ADDRESS_PREFIX must be a bech32 prefix like wasm')
      .optional(),
    /** HD derivation path of the relayer's key from its mnemonic. */
    RELAYER_HD_PATH: z
      .string()
      .regex(/^m(\/\d+'?)+$/, "RELAYER_HD_PATH must look like m/44'/118'/0'/0/0")
      .optional(),
    /** `postgresql://…`; `npm start` points it at the embedded database. */
    DATABASE_URL: z
      .string({ error: 'DATABASE_URL is required' })
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgresql:// URL'),
    /**
     * How ranges settle on chain. `v2`: the gateway signs a receipt of each range (its Merkle root and
     * per-(org, bot, day) sums) and the relayer submits that (`submit_receipt`, one signature checked
     * on chain). `v1`: every attestation goes on chain (`submit_batch`), for a usage contract without
     * `submit_receipt`. Either way every attestation is published and audited.
     */
    RELAYER_SETTLEMENT: z.enum(['v1', 'v2'], { error: 'RELAYER_SETTLEMENT must be v1 or v2' }).default('v2'),
    /**
     * At most N attestations per batch or receipt; capped at the contract's `max_batch_size` (v1) or
     * `max_receipt_lines` (v2), read at each reconciliation.
     */
    RELAYER_BATCH_SIZE: positiveInt('RELAYER_BATCH_SIZE', 1, 1000).default(100),
    /** Submit once the oldest waiting attestation is T seconds old. */
    RELAYER_BATCH_AGE_SECONDS: z.coerce
      .number({ error: 'RELAYER_BATCH_AGE_SECONDS must be a number' })
      .min(0.05, 'RELAYER_BATCH_AGE_SECONDS must be at least 0.05')
      .max(3600, 'RELAYER_BATCH_AGE_SECONDS must be at most 3600')
      .default(5),
    /** Feed polling when idle. */
    RELAYER_POLL_INTERVAL_MS: positiveInt('RELAYER_POLL_INTERVAL_MS', 10, 60_000).default(500),
    /** Periodic reconciliation with the chain. */
    RELAYER_RECONCILE_INTERVAL_SECONDS: positiveInt('RELAYER_RECONCILE_INTERVAL_SECONDS', 1, 86_400).default(
      60,
    ),
    /** Leader lease length. */
    RELAYER_LEASE_TTL_SECONDS: positiveInt('RELAYER_LEASE_TTL_SECONDS', 1, 600).default(15),
    /** Address of the relayer's HTTP server. */
    RELAYER_HOST: z.string().default('127.0.0.1'),
    /** Port of the relayer's HTTP server (health, metrics, publication). */
    RELAYER_PORT: positiveInt('RELAYER_PORT', 0, 65535).default(8790),
    /** Also write `batches/<id>.json` and `receipts/<id>.json` there. */
    RELAYER_PUBLISH_DIR: z.string().min(1).optional(),
    /** The relayer's host as clients name it, signed into every ADR-36 challenge. */
    RELAYER_PUBLIC_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, 'RELAYER_PUBLIC_DOMAIN must be a host name, with an optional :port')
      .optional(),
    /** Pino level. */
    RELAYER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((e, ctx) => {
    // What each adapter needs besides the common variables, reported with every other problem.
    const need = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    if (e.RELAYER_MNEMONIC === undefined && e.RELAYER_MNEMONIC_FILE === undefined)
      need('RELAYER_MNEMONIC', 'RELAYER_MNEMONIC or RELAYER_MNEMONIC_FILE is required');
    if (e.RELAYER_MNEMONIC !== undefined && e.RELAYER_MNEMONIC_FILE !== undefined)
      need('RELAYER_MNEMONIC_FILE', 'RELAYER_MNEMONIC and RELAYER_MNEMONIC_FILE are both set: keep one');
    if (e.RELAYER_CHAIN_ADAPTER === 'secret' && !(e.RELAYER_CHAIN_ID ?? e.CHAIN_ID))
      need(
        'RELAYER_CHAIN_ID',
        'RELAYER_CHAIN_ID is required with RELAYER_CHAIN_ADAPTER=secret (e.g. secretdev-1, pulsar-3, secret-4)',
      );
    if (e.RELAYER_CHAIN_ADAPTER === 'cosmwasm') {
      if (!e.RELAYER_GAS_PRICE)
        need(
          'RELAYER_GAS_PRICE',
          'RELAYER_GAS_PRICE is required with RELAYER_CHAIN_ADAPTER=cosmwasm (e.g. 0.025ustake)',
        );
      if (!e.RELAYER_ADDRESS_PREFIX)
        need(
          'RELAYER_ADDRESS_PREFIX',
          'RELAYER_ADDRESS_PREFIX is required with RELAYER_CHAIN_ADAPTER=cosmwasm (the bech32 prefix, e.g. wasm)',
        );
    }
  });

function mnemonicWordCountOk(mnemonic: string): boolean {
  return [12, 15, 18, 21, 24].includes(mnemonic.trim().split(/\s+/).length);
}

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
      connection: chainConnection(e),
      usageContract: e.USAGE_CONTRACT,
      mnemonic: readMnemonic(e),
    },
    databaseUrl: e.DATABASE_URL,
    settlement: e.RELAYER_SETTLEMENT,
    batchSize: e.RELAYER_BATCH_SIZE,
    batchAgeMs: Math.round(e.RELAYER_BATCH_AGE_SECONDS * 1000),
    pollIntervalMs: e.RELAYER_POLL_INTERVAL_MS,
    reconcileIntervalMs: e.RELAYER_RECONCILE_INTERVAL_SECONDS * 1000,
    leaseTtlMs: e.RELAYER_LEASE_TTL_SECONDS * 1000,
    http: {
      host: e.RELAYER_HOST,
      port: e.RELAYER_PORT,
      publicDomain: e.RELAYER_PUBLIC_DOMAIN ?? `${e.RELAYER_HOST}:${e.RELAYER_PORT}`,
    },
    ...(e.RELAYER_PUBLISH_DIR ? { publishDir: e.RELAYER_PUBLISH_DIR } : {}),
    logLevel: e.RELAYER_LOG_LEVEL,
  };
}

type ParsedEnv = z.infer<typeof envSchema>;

function configError(lines: string[]): RelayerConfigError {
  return new RelayerConfigError(`invalid relayer configuration:\n${lines.map((l) => `- ${l}`).join('\n')}`);
}

/** Per adapter, the variables it needs; anything missing is named in one error. */
function chainConnection(e: ParsedEnv): ChainConnection {
  const url = e.RELAYER_CHAIN_URL.replace(/\/+$/, '');
  switch (e.RELAYER_CHAIN_ADAPTER) {
    case 'devnet':
      return { adapter: 'devnet', url };
    case 'secret': {
      const hash = e.RELAYER_USAGE_CODE_HASH ?? e.USAGE_CODE_HASH;
      return {
        adapter: 'secret',
        url,
        chainId: (e.RELAYER_CHAIN_ID ?? e.CHAIN_ID) as string,
        // Without a configured code hash the adapter looks it up once from the LCD.
        ...(hash ? { codeHashes: { [e.USAGE_CONTRACT]: hash } } : {}),
        // A batch of 100 verifies 100 signatures on chain and stores its header and counters.
        gasLimit: e.RELAYER_GAS_LIMIT ?? 3_000_000,
        ...(e.RELAYER_GAS_PRICE ? { gasPrice: e.RELAYER_GAS_PRICE } : {}),
        confirmPollMs: e.RELAYER_CONFIRM_POLL_MS,
      };
    }
    case 'cosmwasm':
      return {
        adapter: 'cosmwasm',
        rpcUrl: url,
        gasPrice: e.RELAYER_GAS_PRICE as string,
        addressPrefix: e.RELAYER_ADDRESS_PREFIX as string,
        ...(e.RELAYER_HD_PATH ? { hdPath: e.RELAYER_HD_PATH } : {}),
        broadcastPollIntervalMs: e.RELAYER_CONFIRM_POLL_MS,
      };
  }
}

/** `RELAYER_MNEMONIC` or the file `RELAYER_MNEMONIC_FILE` names (a mounted secret). Never echoed. */
function readMnemonic(e: ParsedEnv): string {
  if (e.RELAYER_MNEMONIC !== undefined) return e.RELAYER_MNEMONIC.trim().split(/\s+/).join(' ');
  const file = e.RELAYER_MNEMONIC_FILE as string;
  let mnemonic: string;
  try {
    mnemonic = readFileSync(file, 'utf8');
  } catch (error) {
    throw configError([
      `RELAYER_MNEMONIC_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
  if (!mnemonicWordCountOk(mnemonic))
    throw configError([`RELAYER_MNEMONIC_FILE: ${file} must hold a mnemonic of 12..24 words`]);
  return mnemonic.trim().split(/\s+/).join(' ');
}
