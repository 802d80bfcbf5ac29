/**
 * The ASN range table kept in typed arrays (bounds as words, orgs interned) answers every lookup
 * as the object-per-range table it replaced: compared at, just before and just after every range
 * boundary of a generated table (quoted orgs, escapes, CRLF, gaps, non-ASCII) and of the
 * installed @ip-location-db/asn data when it is there.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AsnTable } from '../../alert-service/src/alerting/enrich/geoip.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';

/** The previous implementation (line strings, BigInt bounds, one object per v6 range), as the reference. */
class ReferenceTable {
  private v4: { start: number; end: number; asn: number; org: string }[] = [];
  private v6: { start: bigint; end: bigint; asn: number; org: string }[] = [];

  static parseLine(line: string): [string, string, string, string] {
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    let org = c3 < 0 ? '' : line.slice(c3 + 1).trimEnd();
    if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
    return [line.slice(0, c1), line.slice(c1 + 1, c2), line.slice(c2 + 1, c3 < 0 ? undefined : c3), org];
  }

  loadV4(csv: string): void {
    this.v4 = csv.split('\n').filter(Boolean).map((l) => {
      const [s, e, a, o] = ReferenceTable.parseLine(l);
      return { start: Number(s), end: Number(e), asn: Number(a), org: o };
    });
  }

  loadV6(csv: string): void {
    this.v6 = csv.split('\n').filter(Boolean).map((l) => {
      const [s, e, a, o] = ReferenceTable.parseLine(l);
      return { start: BigInt(s), end: BigInt(e), asn: Number(a), org: o };
    });
  }

  lookupV4(n: number) {
    return search(this.v4, n);
  }

  lookupV6(n: bigint) {
    return search(this.v6, n);
  }

  boundsV4(): number[] {
    return this.v4.flatMap((r) => [r.start, r.end]);
  }

  boundsV6(): bigint[] {
    return this.v6.flatMap((r) => [r.start, r.end]);
  }
}

function search<T extends number | bigint>(ranges: { start: T; end: T; asn: number; org: string }[], n: T) {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (r.start > n) hi = mid - 1;
    else if (r.end < n) lo = mid + 1;
    else return { asn: r.asn, org: r.org };
  }
  return undefined;
}

const ORGS = ['Hurricane Electric LLC', '"Cloudflare, Inc."', '"The ""Quoted"" Org, Ltd"', 'Trailing space  ', 'Ünïcödé Telekom 東京', '', 'X', 'A very long organisation name that is longer than thirteen'];

function generated(seed: number, v6: boolean, count: number): string {
  const r = mulberry32(seed).next; // seeded: a failure can be replayed
  let at = v6 ? 1n << 100n : 16_777_216n;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    at += BigInt(Math.floor(r() * 3)) * (v6 ? 1n << BigInt(Math.floor(r() * 60)) : 1n); // gaps, some none
    const width = v6 ? BigInt(Math.floor(r() * 2 ** 30)) << BigInt(Math.floor(r() * 40)) : BigInt(Math.floor(r() * 4096));
    const start = at;
    const end = at + width;
    at = end + 1n;
    const asn = Math.floor(r() * 400_000);
    const org = ORGS[Math.floor(r() * ORGS.length)]!;
    const eol = r() < 0.05 ? '\r\n' : '\n';
    // Runs of one org (as the real files have) and lines without an org field.
    lines.push(r() < 0.05 ? `${start},${end},${asn}${eol}` : `${start},${end},${asn},${org}${eol}`);
    if (r() < 0.02) lines.push('\n'); // a blank line
  }
  return lines.join('');
}

async function loaded(v4: string, v6: string): Promise<[AsnTable, ReferenceTable]> {
  const table = new AsnTable();
  await table.loadV4(Buffer.from(v4, 'utf8'));
  await table.loadV6(Buffer.from(v6, 'utf8'));
  const ref = new ReferenceTable();
  ref.loadV4(v4);
  ref.loadV6(v6);
  return [table, ref];
}

/** Compares at, before and after every boundary; returns how many probes found a range. */
function compareAll(table: AsnTable, ref: ReferenceTable): number {
  let hits = 0;
  for (const b of ref.boundsV4()) {
    for (const n of [b - 1, b, b + 1]) {
      const want = ref.lookupV4(n);
      const got = table.lookupV4(n);
      // deepEqual only on a difference (its message), a field compare otherwise: 3 million probes.
      if (got?.asn !== want?.asn || got?.org !== want?.org) assert.deepEqual(got, want, `v4 ${n}`);
      if (want) hits++;
    }
  }
  for (const b of ref.boundsV6()) {
    for (const n of [b - 1n, b, b + 1n]) {
      const want = ref.lookupV6(n);
      const got = table.lookupV6(n);
      if (got?.asn !== want?.asn || got?.org !== want?.org) assert.deepEqual(got, want, `v6 ${n}`);
      if (want) hits++;
    }
  }
  return hits;
}

describe('ASN table in typed arrays', () => {
  it('answers as the object table over every boundary of a generated table', async () => {
    const [table, ref] = await loaded(generated(1, false, 5000), generated(2, true, 5000));
    const hits = compareAll(table, ref);
    assert.ok(hits > 20_000, `only ${hits} probes found a range`);
    // Every org comes back exactly as written (quotes, escapes, trailing space, non-ASCII).
    const orgs = new Set<string>();
    for (const b of ref.boundsV4()) orgs.add(table.lookupV4(b)!.org);
    assert.deepEqual([...orgs].sort(), ['', 'A very long organisation name that is longer than thirteen', 'Cloudflare, Inc.', 'Hurricane Electric LLC', 'The "Quoted" Org, Ltd', 'Trailing space', 'X', 'Ünïcödé Telekom 東京']);
  });

  it('reads the largest bounds exactly (2^128 - 1, 2^32 - 1) and skips lines that are not ranges', async () => {
    const top = (1n << 128n) - 1n;
    // (The old table took such lines in as NaN or threw on them: there is nothing to compare with.)
    const table = new AsnTable();
    await table.loadV4(Buffer.from('0,0,1,zero\nnot,a,range\n10,20\n4294967294,4294967295,2,top\n'));
    await table.loadV6(Buffer.from(`${top - 5n},${top},3,top6\n1,x,4,bad\n`));
    assert.deepEqual(table.lookupV4(0), { asn: 1, org: 'zero' });
    assert.deepEqual(table.lookupV4(4294967295), { asn: 2, org: 'top' });
    assert.deepEqual(table.lookupV6(top), { asn: 3, org: 'top6' });
    assert.equal(table.lookupV6(top - 6n), undefined);
    assert.equal(table.lookupV4(15), undefined);
    assert.equal(table.lookupV4(1), undefined);
  });

  it('answers as the object table over every boundary of the installed package data', async (t) => {
    let dir: string;
    try {
      dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
    } catch {
      t.skip('@ip-location-db/asn is not installed');
      return;
    }
    const [table, ref] = await loaded(readFileSync(join(dir, 'asn-ipv4-num.csv'), 'utf8'), readFileSync(join(dir, 'asn-ipv6-num.csv'), 'utf8'));
    const hits = compareAll(table, ref);
    assert.ok(hits > 1_000_000, `only ${hits} probes found a range`);
  });
});
