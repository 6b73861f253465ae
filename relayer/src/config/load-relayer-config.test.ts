import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRelayerConfig, RelayerConfigError } from './load-relayer-config.js';

const mnemonic = 'word '.repeat(12).trim();
const base = {
  RELAYER_GATEWAYS: JSON.stringify([{ url: 'http://127.0.0.1:8787/', token: 'feed-token-0123456789' }]),
  RELAYER_CHAIN_URL: 'http://127.0.0.1:26680',
  USAGE_CONTRACT: 'secret1contract',
  RELAYER_MNEMONIC: mnemonic,
  DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:5432/postgres',
};

describe('loadRelayerConfig', () => {
  it('reads a minimal environment with defaults', () => {
    const config = loadRelayerConfig(base);
    expect(config.gateways).toEqual([{ url: 'http://127.0.0.1:8787', token: 'feed-token-0123456789' }]);
    expect(config.batchSize).toBe(100);
    expect(config.settlement).toBe('v2');
    expect(loadRelayerConfig({ ...base, RELAYER_SETTLEMENT: 'v1' }).settlement).toBe('v1');
    expect(() => loadRelayerConfig({ ...base, RELAYER_SETTLEMENT: 'v3' })).toThrow(
      /RELAYER_SETTLEMENT must be v1 or v2/,
    );
    expect(config.batchAgeMs).toBe(5000);
    expect(config.leaseTtlMs).toBe(15_000);
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8790, publicDomain: '127.0.0.1:8790' });
    expect(
      loadRelayerConfig({ ...base, RELAYER_PUBLIC_DOMAIN: 'relayer.example.com' }).http.publicDomain,
    ).toBe('relayer.example.com');
    expect(() =>
      loadRelayerConfig({ ...base, RELAYER_PUBLIC_DOMAIN: 'https://relayer.example.com/' }),
    ).toThrow(/RELAYER_PUBLIC_DOMAIN must be a host name/);
    expect(config.chain).toEqual({
      connection: { adapter: 'devnet', url: 'http://127.0.0.1:26680' },
      usageContract: 'secret1contract',
      mnemonic,
    });
  });

  it('names every bad variable and never prints a secret', () => {
    let error: unknown;
    try {
      loadRelayerConfig({
        ...base,
        RELAYER_BATCH_SIZE: '5000',
        RELAYER_MNEMONIC: 'two words',
        DATABASE_URL: 'mysql://x',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RelayerConfigError);
    const message = (error as Error).message;
    expect(message).toContain('RELAYER_BATCH_SIZE must be at most 1000');
    expect(message).toContain('RELAYER_MNEMONIC must have 12..24 words');
    expect(message).toContain('DATABASE_URL must be a postgresql:// URL');
    expect(message).not.toContain('two words');
  });

  it('checks the gateway list without echoing tokens', () => {
    const bad = JSON.stringify([
      { url: 'http://a', token: 'short' },
      { url: 'not a url', token: 'feed-token-0123456789' },
    ]);
    expect(() => loadRelayerConfig({ ...base, RELAYER_GATEWAYS: bad })).toThrow(
      /RELAYER_GATEWAYS\.0\.token: token must be at least 16/,
    );
    try {
      loadRelayerConfig({ ...base, RELAYER_GATEWAYS: bad });
    } catch (e) {
      expect((e as Error).message).not.toContain('short');
    }
    expect(() => loadRelayerConfig({ ...base, RELAYER_GATEWAYS: '{' })).toThrow(/JSON array/);
    const twice = JSON.stringify(
      [base, base].map(() => ({ url: 'http://a:1', token: 'feed-token-0123456789' })),
    );
    expect(() => loadRelayerConfig({ ...base, RELAYER_GATEWAYS: twice })).toThrow(/listed twice/);
  });
});

function configErrorOf(env: Record<string, string | undefined>): string {
  try {
    loadRelayerConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(RelayerConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

const usageHash = 'AF74387E276BE8874F07BEC3A87023EE49B0E7EBE08178C49D0A49C3C98ED60E';

describe('loadRelayerConfig: chain adapters', () => {
  it('secret: LCD URL, chain id, code hash, gas and confirmation polling', () => {
    const config = loadRelayerConfig({
      ...base,
      RELAYER_CHAIN_ADAPTER: 'secret',
      RELAYER_CHAIN_URL: 'http://localsecret:1317/',
      RELAYER_CHAIN_ID: 'secretdev-1',
      RELAYER_USAGE_CODE_HASH: `0x${usageHash}`,
      RELAYER_GAS_PRICE: '0.0125uscrt',
      RELAYER_GAS_LIMIT: '2500000',
    });
    expect(config.chain.connection).toEqual({
      adapter: 'secret',
      url: 'http://localsecret:1317',
      chainId: 'secretdev-1',
      codeHashes: { secret1contract: usageHash.toLowerCase() },
      gasLimit: 2_500_000,
      gasPrice: '0.0125uscrt',
      confirmPollMs: 1000,
    });
  });

  it('secret: takes CHAIN_ID and USAGE_CODE_HASH from the deployment environment, defaults the gas', () => {
    const config = loadRelayerConfig({
      ...base,
      RELAYER_CHAIN_ADAPTER: 'secret',
      CHAIN_ID: 'secretdev-1',
      USAGE_CODE_HASH: usageHash.toLowerCase(),
    });
    expect(config.chain.connection).toMatchObject({
      adapter: 'secret',
      chainId: 'secretdev-1',
      codeHashes: { secret1contract: usageHash.toLowerCase() },
      gasLimit: 3_000_000,
    });
    const lookedUp = loadRelayerConfig({ ...base, RELAYER_CHAIN_ADAPTER: 'secret', CHAIN_ID: 'pulsar-3' });
    expect(lookedUp.chain.connection).not.toHaveProperty('codeHashes');
  });

  it('secret: names a missing chain id and a malformed code hash together', () => {
    const message = configErrorOf({
      ...base,
      RELAYER_CHAIN_ADAPTER: 'secret',
      RELAYER_USAGE_CODE_HASH: 'abc',
    });
    expect(message).toContain('RELAYER_CHAIN_ID is required with RELAYER_CHAIN_ADAPTER=secret');
    expect(message).toContain('RELAYER_USAGE_CODE_HASH: must be 64 hex digits');
  });

  it('cosmwasm: RPC URL, gas price and bech32 prefix, all required', () => {
    const config = loadRelayerConfig({
      ...base,
      RELAYER_CHAIN_ADAPTER: 'cosmwasm',
      RELAYER_CHAIN_URL: 'http://127.0.0.1:26657',
      RELAYER_GAS_PRICE: '0.025ustake',
      RELAYER_ADDRESS_PREFIX: 'wasm',
      RELAYER_HD_PATH: "m/44'/118'/0'/0/0",
      RELAYER_CONFIRM_POLL_MS: '250',
    });
    expect(config.chain.connection).toEqual({
      adapter: 'cosmwasm',
      rpcUrl: 'http://127.0.0.1:26657',
      gasPrice: '0.025ustake',
      addressPrefix: 'wasm',
      hdPath: "m/44'/118'/0'/0/0",
      broadcastPollIntervalMs: 250,
    });
    const message = configErrorOf({ ...base, RELAYER_CHAIN_ADAPTER: 'cosmwasm', RELAYER_GAS_PRICE: 'cheap' });
    expect(message).toContain('RELAYER_GAS_PRICE must look like 0.1uscrt');
    expect(message).toContain('RELAYER_ADDRESS_PREFIX is required with RELAYER_CHAIN_ADAPTER=cosmwasm');
  });

  it('refuses an unknown adapter', () => {
    expect(configErrorOf({ ...base, RELAYER_CHAIN_ADAPTER: 'ethereum' })).toContain(
      'RELAYER_CHAIN_ADAPTER must be "devnet", "secret" or "cosmwasm"',
    );
  });
});

describe('loadRelayerConfig: the relayer key', () => {
  it('reads the mnemonic from a file (a mounted secret), trimmed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relayer-config-'));
    try {
      const file = join(dir, 'mnemonic');
      writeFileSync(file, `  ${mnemonic}\n`);
      const { RELAYER_MNEMONIC: _, ...withoutMnemonic } = base;
      expect(loadRelayerConfig({ ...withoutMnemonic, RELAYER_MNEMONIC_FILE: file }).chain.mnemonic).toBe(
        mnemonic,
      );
      writeFileSync(file, 'secret words only');
      const message = configErrorOf({ ...withoutMnemonic, RELAYER_MNEMONIC_FILE: file });
      expect(message).toContain('must hold a mnemonic of 12..24 words');
      expect(message).not.toContain('secret words');
      expect(configErrorOf({ ...withoutMnemonic, RELAYER_MNEMONIC_FILE: join(dir, 'missing') })).toContain(
        'cannot read',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs exactly one of RELAYER_MNEMONIC and RELAYER_MNEMONIC_FILE', () => {
    const { RELAYER_MNEMONIC: _, ...withoutMnemonic } = base;
    expect(configErrorOf(withoutMnemonic)).toContain('RELAYER_MNEMONIC or RELAYER_MNEMONIC_FILE is required');
    expect(configErrorOf({ ...base, RELAYER_MNEMONIC_FILE: 'mnemonic.txt' })).toContain('both set');
  });
});
