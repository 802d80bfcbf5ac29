/**
 * Address classes that have no meaningful geolocation: private, loopback, link-local, CGNAT,
 * documentation and other special-purpose ranges (RFC 6890 registries). Checked with node's
 * BlockList, which also understands IPv4-mapped IPv6 forms.
 */
import { BlockList, isIP } from 'node:net';
import type { IpEnrichment } from '../../generated/schema-types.js';

export type IpScope = IpEnrichment['scope'];

const RANGES: { scope: IpScope; label: string; v4?: [string, number][]; v6?: [string, number][] }[] = [
  { scope: 'unspecified', label: 'unspecified', v4: [['0.0.0.0', 8]], v6: [['::', 128]] },
  { scope: 'loopback', label: 'loopback', v4: [['127.0.0.0', 8]], v6: [['::1', 128]] },
  { scope: 'private', label: 'private (RFC 1918)', v4: [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]] },
  { scope: 'cgnat', label: 'carrier-grade NAT (RFC 6598)', v4: [['100.64.0.0', 10]] },
  { scope: 'link-local', label: 'link-local', v4: [['169.254.0.0', 16]], v6: [['fe80::', 10]] },
  {
    scope: 'documentation',
    label: 'documentation (RFC 5737 / RFC 3849 / RFC 9637)',
    v4: [['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24]],
    v6: [['2001:db8::', 32], ['3fff::', 20]],
  },
  { scope: 'unique-local', label: 'unique local (RFC 4193)', v6: [['fc00::', 7]] },
  { scope: 'multicast', label: 'multicast', v4: [['224.0.0.0', 4]], v6: [['ff00::', 8]] },
  {
    scope: 'reserved',
    label: 'reserved',
    v4: [['192.0.0.0', 24], ['198.18.0.0', 15], ['240.0.0.0', 4]],
    v6: [['100::', 64], ['64:ff9b:1::', 48], ['5f00::', 16]],
  },
  // Tunnel and protocol prefixes: a geo answer for them would describe the wrong network.
  { scope: 'reserved', label: 'IETF protocol assignment (RFC 2928: Teredo, benchmarking, ORCHID)', v6: [['2001::', 23]] },
  { scope: 'reserved', label: '6to4 (RFC 3056 / RFC 7526)', v4: [['192.88.99.0', 24]], v6: [['2002::', 16]] },
  { scope: 'reserved', label: 'site-local (deprecated, RFC 3879)', v6: [['fec0::', 10]] },
  { scope: 'reserved', label: 'IPv4-compatible (deprecated, RFC 4291)', v6: [['::', 96]] },
];

const LISTS = RANGES.map((r) => {
  const list = new BlockList();
  for (const [net, prefix] of r.v4 ?? []) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of r.v6 ?? []) list.addSubnet(net, prefix, 'ipv6');
  return { ...r, list };
});

/** Returns the scope of an IP address, or undefined when `ip` is not an address at all. */
export function classifyIp(ip: string): { scope: IpScope; label: string } | undefined {
  const family = isIP(ip);
  if (!family) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const r of LISTS) if (r.list.check(ip, type)) return { scope: r.scope, label: r.label };
  return { scope: 'public', label: 'public' };
}
