/**
 * Finds IP addresses in an alert (group, labels, fields) and describes each: address class for
 * every address, country/city/ASN for public ones. Results are cached (bounded) because the same
 * attacker address shows up in every message and API call about it.
 */
import { isIP } from 'node:net';
import type { IpEnrichment } from '../../generated/schema-types.js';
import { classifyIp } from './ip-scope.js';
import type { GeoLookup } from './geoip.js';

const IP_KEY = /(^|_|\.)(ip|ipaddress|ip_address|addr|address|src|source|client|remote|dst|dest)$/i;
const CACHE_MAX = 5000;

export interface IpSource {
  group: Record<string, string>;
  labels?: Record<string, string>;
  fields?: Record<string, unknown>;
}

export class IpEnricher {
  private readonly cache = new Map<string, Omit<IpEnrichment, 'key'>>();

  constructor(private readonly geo: GeoLookup | undefined) {}

  describe(ip: string): Omit<IpEnrichment, 'key'> | undefined {
    const hit = this.cache.get(ip);
    if (hit) return hit;
    const scope = classifyIp(ip);
    if (!scope) return undefined;
    const out: Omit<IpEnrichment, 'key'> = { ip, scope: scope.scope, scope_label: scope.label };
    if (scope.scope === 'public') {
      const geo = this.geo?.lookup(ip);
      if (geo) Object.assign(out, geo);
      // Do not cache answers given before the database finished loading.
      if (!geo) return out;
    }
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(ip, out);
    return out;
  }

  /** Distinct IPs of an alert, in the order group → labels → fields (at most 10). */
  enrich(source: IpSource): IpEnrichment[] {
    const found = new Map<string, string>();
    const visit = (prefix: string, obj: Record<string, unknown> | undefined, depth: number) => {
      if (!obj || depth > 2) return;
      for (const [k, v] of Object.entries(obj)) {
        if (found.size >= 10) return;
        if (typeof v === 'string' && isIP(v) && (IP_KEY.test(k) || prefix !== 'fields')) {
          if (!found.has(v)) found.set(v, `${prefix}.${k}`);
        } else if (Array.isArray(v) && IP_KEY.test(k)) {
          for (const x of v) if (typeof x === 'string' && isIP(x) && !found.has(x) && found.size < 10) found.set(x, `${prefix}.${k}`);
        } else if (v && typeof v === 'object' && !Array.isArray(v)) visit(prefix, v as Record<string, unknown>, depth + 1);
      }
    };
    visit('group', source.group, 0);
    visit('labels', source.labels, 0);
    visit('fields', source.fields, 0);
    const out: IpEnrichment[] = [];
    for (const [ip, key] of found) {
      const d = this.describe(ip);
      if (d) out.push({ ...d, key });
    }
    return out;
  }
}

/** "203.0.113.9 (documentation (RFC 5737 / RFC 3849))", "8.8.8.8 (US, AS15169 Google LLC)". */
export function describeIpShort(e: IpEnrichment): string {
  if (e.scope !== 'public') return `${e.ip} (${e.scope_label ?? e.scope})`;
  const parts = [[e.city, e.country].filter(Boolean).join(', '), e.asn ? `AS${e.asn}${e.as_org ? ' ' + e.as_org : ''}` : ''].filter(Boolean);
  return parts.length ? `${e.ip} (${parts.join('; ')})` : e.ip;
}
