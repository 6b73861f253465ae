import { describe, expect, it } from 'vitest';
import { loadGatewayConfig, parseModelMap } from './load-gateway-config.js';

const base = { GATEWAY_PLATFORM_SECRET: 'p'.repeat(20), GATEWAY_FEED_TOKEN: 'f'.repeat(20) };

describe('gateway configuration', () => {
  it('reads defaults and an upstream with its model map', () => {
    const config = loadGatewayConfig({
      ...base,
      GATEWAY_UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1',
      GATEWAY_MODEL_MAP: 'support-bot=llama3.3-70b, *=deepseek-r1',
    });
    expect(config.port).toBe(8787);
    expect(config.upstream?.modelMap).toEqual({ 'support-bot': 'llama3.3-70b', '*': 'deepseek-r1' });
    expect(loadGatewayConfig(base).upstream).toBeUndefined();
  });

  it('names what is wrong without printing secret values', () => {
    const secretValue = 'short-secret';
    const error = (() => {
      try {
        loadGatewayConfig({ GATEWAY_PLATFORM_SECRET: secretValue, GATEWAY_PORT: 'x' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/GATEWAY_PLATFORM_SECRET: .*at least 16/);
    expect(error?.message).toMatch(/GATEWAY_FEED_TOKEN/);
    expect(error?.message).toMatch(/GATEWAY_PORT/);
    expect(error?.message).not.toContain(secretValue);
  });

  it('parses a JSON model map and refuses a malformed one', () => {
    expect(parseModelMap('{"a":"b"}')).toEqual({ a: 'b' });
    expect(() => parseModelMap('a=b,c')).toThrow(/GATEWAY_MODEL_MAP/);
  });
});
