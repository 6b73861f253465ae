import type { lookup as dnsLookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPublicUrl, type UrlFetchPolicy } from './fetch-public-url.js';
import { classifyAddress } from './public-address.js';

let server: Server;
let port: number;
const policy: UrlFetchPolicy = {
  timeoutMs: 2000,
  maxBytes: 100_000,
  maxRedirects: 3,
  allowedContentTypes: ['text/plain'],
  allowLoopback: false,
};

/** A resolver answering fixed addresses per name, as a hostile DNS zone would. */
function fakeDns(table: Record<string, string[]>): typeof dnsLookup {
  return ((
    hostname: string,
    _options: unknown,
    callback: (error: Error | null, addresses: { address: string; family: number }[]) => void,
  ) => {
    const addresses = table[hostname];
    if (!addresses) return callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as unknown as typeof dnsLookup;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hop') res.writeHead(302, { location: `http://intranet.example:${port}/ok` }).end();
    else {
      res.setHeader('content-type', 'text/plain');
      res.end('hello');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server?.close());

describe('fetchPublicUrl', () => {
  it('classifies addresses', () => {
    expect(classifyAddress('8.8.8.8')).toBe('public');
    expect(classifyAddress('2606:4700::1111')).toBe('public');
    expect(classifyAddress('127.0.0.1')).toBe('loopback');
    expect(classifyAddress('::1')).toBe('loopback');
    for (const address of [
      '10.0.0.1',
      '172.20.1.1',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      'fe80::1',
      'fd12::1',
      '::ffff:192.168.1.1',
      '::ffff:c0a8:0101',
      '64:ff9b::a00:1',
      '224.0.0.1',
    ]) {
      expect(classifyAddress(address), address).toBe('private');
    }
  });

  it('refuses a DNS name that resolves to a private address, checked at connect time', async () => {
    const lookup = fakeDns({ 'intranet.example': ['10.0.0.5'] });
    await expect(fetchPublicUrl('http://intranet.example/', { ...policy, lookup })).rejects.toMatchObject({
      reason: 'blocked_address',
    });
  });

  it('refuses a name with one private address among public ones', async () => {
    const lookup = fakeDns({ 'mixed.example': ['93.184.216.34', '127.0.0.1'] });
    await expect(fetchPublicUrl('http://mixed.example/', { ...policy, lookup })).rejects.toMatchObject({
      reason: 'blocked_address',
    });
  });

  it('refuses loopback (by name and by address) unless the test-only flag allows it', async () => {
    await expect(fetchPublicUrl(`http://127.0.0.1:${port}/`, policy)).rejects.toMatchObject({
      reason: 'blocked_address',
    });
    await expect(fetchPublicUrl(`http://localhost:${port}/`, policy)).rejects.toMatchObject({
      reason: 'blocked_address',
    });
    const fetched = await fetchPublicUrl(`http://127.0.0.1:${port}/`, { ...policy, allowLoopback: true });
    expect(fetched.body.toString()).toBe('hello');
  });

  it('re-checks the target of every redirect', async () => {
    const lookup = fakeDns({ 'intranet.example': ['10.0.0.5'] });
    await expect(
      fetchPublicUrl(`http://127.0.0.1:${port}/hop`, { ...policy, allowLoopback: true, lookup }),
    ).rejects.toMatchObject({ reason: 'blocked_address' });
  });

  it('refuses other schemes and credentials in URLs', async () => {
    await expect(fetchPublicUrl('file:///etc/passwd', policy)).rejects.toMatchObject({
      reason: 'invalid_url',
    });
    await expect(fetchPublicUrl('http://user:pw@example.com/', policy)).rejects.toMatchObject({
      reason: 'invalid_url',
    });
  });
});
