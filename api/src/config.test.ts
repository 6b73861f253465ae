import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const base = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres' };

describe('loadConfig', () => {
  it('applies defaults and derives the sign-in domain from PUBLIC_URL', () => {
    const config = loadConfig({ ...base, PUBLIC_URL: 'https://app.example.com/' });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('https://app.example.com');
    expect(config.authDomain).toBe('app.example.com');
    expect(config.chainId).toBe('privexbot-devnet-1');
  });

  it('names every bad variable and its value, but never a secret value', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db', PORT: 'abc', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT: .*\(got "abc"\)/);
    expect(message).toMatch(/LOG_LEVEL: .*\(got "loud"\)/);
    expect(message).toMatch(/DATABASE_URL: must be a postgresql:\/\/ URL/);
    expect(message).not.toContain('hunter2');
  });

  it('needs a chain URL and the billing contract for a real chain', () => {
    expect(() => loadConfig({ ...base, CHAIN_KIND: 'secret' })).toThrow(
      /CHAIN_URL: required when CHAIN_KIND is secret/,
    );
    expect(() => loadConfig({ ...base, CHAIN_KIND: 'secret', CHAIN_URL: 'http://localhost:1317' })).toThrow(
      /BILLING_CONTRACT/,
    );
    const config = loadConfig({
      ...base,
      CHAIN_KIND: 'secret',
      CHAIN_URL: 'http://localhost:1317',
      BILLING_CONTRACT: 'secret1b',
    });
    expect(config.chain).toEqual({ kind: 'secret', url: 'http://localhost:1317' });
  });

  it('bounds a webhook attempt at 10 s, so a tarpit receiver holds its org slot no longer', () => {
    expect(loadConfig({ ...base, WEBHOOK_TIMEOUT_MS: '10000' }).platform.webhookTimeoutMs).toBe(10_000);
    expect(() => loadConfig({ ...base, WEBHOOK_TIMEOUT_MS: '60000' })).toThrow(/WEBHOOK_TIMEOUT_MS/);
    const defaults = loadConfig(base).platform;
    expect([defaults.webhookConcurrency, defaults.webhookOrgConcurrency]).toEqual([16, 2]);
  });

  it('says what to do when DATABASE_URL is missing', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL is required/);
  });
});

describe('the platform settings (bots, knowledge, chat, leads, webhooks)', () => {
  const secret = 'x'.repeat(32);

  it('refuse LLM_BASE_URL beside a gateway, naming the gateway’s own setting', () => {
    expect(() =>
      loadConfig({
        ...base,
        GATEWAY_URL: 'http://127.0.0.1:8787',
        GATEWAY_PLATFORM_SECRET: secret,
        LLM_BASE_URL: 'http://127.0.0.1:9/v1',
      }),
    ).toThrow(/LLM_BASE_URL: has no effect when GATEWAY_URL is set.*GATEWAY_UPSTREAM_BASE_URL/);
  });

  it('take LLM_BASE_URL when no gateway answers', () => {
    const config = loadConfig({ ...base, LLM_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(config.platform.llmBaseUrl).toBe('http://127.0.0.1:9/v1');
  });

  it('are read with the core settings by one schema: every bad variable is named at once, no secret echoed', () => {
    let error: unknown;
    try {
      loadConfig({
        ...base,
        PORT: 'abc',
        WEBHOOK_CONCURRENCY: '0',
        EMBEDDINGS_API_KEY: 1 as unknown as string,
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT: .*\(got "abc"\)/);
    expect(message).toMatch(/WEBHOOK_CONCURRENCY: .*\(got "0"\)/);
    expect(message).toMatch(/EMBEDDINGS_API_KEY: /);
    expect(message).not.toMatch(/EMBEDDINGS_API_KEY: .*got/);
  });
});
