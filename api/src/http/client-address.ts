import ipaddr from 'ipaddr.js';

/**
 * The key that counts one visitor in rate limits and caps: an IPv4 address as it is, an IPv6
 * address by its /64. One IPv6 client holds a whole /64 (often more), so keying on the full
 * address would hand it 2^64 fresh limits. IPv4-mapped IPv6 (`::ffff:203.0.113.7`, what a
 * dual-stack socket reports) is its IPv4 address. `ip` is `req.ip`, which honours
 * X-Forwarded-For only from the peers TRUSTED_PROXIES names (app.ts).
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const bare = ip.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) names an interface, not a client
  if (!ipaddr.isValid(bare)) return `raw:${ip}`;
  let address = ipaddr.parse(bare);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress())
    address = (address as ipaddr.IPv6).toIPv4Address();
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`;
}
