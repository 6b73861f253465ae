import { describe, expect, it } from 'vitest';
import { loadBotPlatformSettings } from './bot-platform-settings.js';

const secret = 'x'.repeat(32);

describe('the platform settings', () => {
  it('refuse LLM_BASE_URL beside a gateway, naming the gateway’s own setting', () => {
    expect(() =>
      loadBotPlatformSettings(
        {
          GATEWAY_URL: 'http://127.0.0.1:8787',
          GATEWAY_PLATFORM_SECRET: secret,
          LLM_BASE_URL: 'http://127.0.0.1:9/v1',
        },
        'development',
      ),
    ).toThrow(/LLM_BASE_URL: has no effect when GATEWAY_URL is set.*GATEWAY_UPSTREAM_BASE_URL/);
  });

  it('take LLM_BASE_URL when no gateway answers', () => {
    const settings = loadBotPlatformSettings({ LLM_BASE_URL: 'http://127.0.0.1:9/v1' }, 'development');
    expect(settings.llmBaseUrl).toBe('http://127.0.0.1:9/v1');
  });
});
