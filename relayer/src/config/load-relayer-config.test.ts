import { describe, expect, it } from 'vitest';
import { loadRelayerConfig, RelayerConfigError } from './load-relayer-config.js';

const mnemonic = 'word '.repeat(12).trim();
const base = {
  RELAYER_GATEWAYS: JSON.stringify([{ url: 'http://127.0.0.1:8787/', token: 'feed-token-0123456789' }]),
  RELAYER_CHAIN_URL: 'http://127.0.0.1:26680',
  RELAYER_USAGE_CONTRACT: 'secret1contract',
  RELAYER_MNEMONIC: mnemonic,
  DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:5432/postgres',
};

describe('loadRelayerConfig', () => {
  it('reads a minimal environment with defaults', () => {
    const config = loadRelayerConfig(base);
    expect(config.gateways).toEqual([{ url: 'http://127.0.0.1:8787', token: 'feed-token-0123456789' }]);
    expect(config.batchSize).toBe(100);
    expect(config.batchAgeMs).toBe(5000);
    expect(config.leaseTtlMs).toBe(15_000);
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8790 });
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
