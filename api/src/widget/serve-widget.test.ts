import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createNonce,
  embedCsp,
  embedHeaders,
  renderEmbedPage,
  toFrameAncestors,
  widgetLoaderPath,
} from './serve-widget.js';

describe('toFrameAncestors', () => {
  it('keeps serialized http(s) origins only, so no stored value can add a directive', () => {
    expect(
      toFrameAncestors([
        'https://shop.example',
        'https://shop.example/',
        'http://localhost:3000/path?q',
        'http://[::1]:8080',
        'https://a.example;sandbox',
        'https://a.example,evil',
        'https://a.example; script-src *',
        "'unsafe-inline'",
        'javascript:alert(1)',
        'https://*.example.com',
        '*',
        'not a url',
      ]),
    ).toEqual(['https://shop.example', 'http://localhost:3000', 'http://[::1]:8080']);
  });
});

describe('embedCsp', () => {
  it('allows the bot origins as frame ancestors and only nonced code', () => {
    const nonce = createNonce();
    const csp = embedCsp(['https://shop.example'], nonce);
    expect(csp).toContain("frame-ancestors 'self' https://shop.example");
    expect(csp).toContain(`script-src 'nonce-${nonce}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
  });

  it('lets only our own origin frame a bot without allowed origins', () => {
    expect(embedCsp([], createNonce())).toMatch(/frame-ancestors 'self'$/);
  });

  it('refuses a missing or malformed nonce', () => {
    expect(() => embedCsp([], '')).toThrow(/nonce/);
    expect(() => embedCsp([], "abc'; script-src *")).toThrow(/nonce/);
  });

  it('comes with headers that forbid caching the nonced page', () => {
    expect(embedHeaders([], createNonce())['cache-control']).toBe('no-store');
  });
});

describe('renderEmbedPage', () => {
  it('inlines the frame script and style under the nonce and escapes the bot id', () => {
    const html = renderEmbedPage({ botId: 'a"><script>alert(1)</script>', nonce: 'n0nceN0nceN0nce0' });
    expect(html).toContain('data-bot-id="a&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script nonce="n0nceN0nceN0nce0">');
    expect(html).toContain('<style nonce="n0nceN0nceN0nce0">');
  });

  it('serves a built loader', () => {
    expect(readFileSync(widgetLoaderPath, 'utf8')).toContain('privexbot');
  });
});
