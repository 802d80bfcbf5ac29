/**
 * The decode worker's fast paths give exactly what the general code they short-cut gives:
 * ISO text from digit tables (util/iso-times.ts) vs Date#toISOString, its digit reader vs
 * Date.parse, the canonical-ISO reader of parseIsoLike vs its regex path, and the depth check's
 * string skipping vs a character-by-character walk. Deterministic pseudo-random inputs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsoTimes, issuedTimeMs, noteIssuedTime } from '../../alert-service/src/util/iso-times.js';
import { exceedsDepth, valueExceedsDepth } from '../../alert-service/src/util/json-depth.js';
import { parseBody } from '../../alert-service/src/ingest/body.js';
import { eventId, tailLineId } from '../../alert-service/src/normalize/event-id.js';
import { parseCollectorTime } from '../../alert-service/src/normalize/time.js';
import { parseIsoLike } from '../../alert-service/src/normalize/time.js';
import { UTC_ZONE } from '../../alert-service/src/normalize/zone.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const MAX_MS = 253402300799999;

describe('IsoTimes', () => {
  it('text() is toISOString() for instants across the whole range, fractional ms included', () => {
    const t = new IsoTimes();
    const r = rng(1);
    for (let i = 0; i < 20_000; i++) {
      const ms = i % 3 === 0 ? Math.floor(r() * MAX_MS) : 1795304879000 + Math.floor(r() * 1e8) + (i % 7 === 0 ? 0.6 : 0);
      assert.equal(t.text(ms), new Date(ms).toISOString(), `ms ${ms}`);
    }
    for (const ms of [0, -1, -86_400_001, MAX_MS, MAX_MS + 1, -62198755200001]) assert.equal(t.text(ms), new Date(ms).toISOString());
  });

  it('text() memo (same ms, same second, other day, before 1970) gives toISOString() in any order', () => {
    const t = new IsoTimes();
    const r = rng(5);
    const base = [1795304879000, 1795304879999, 1795391279500, -1500, 0, 86_399_999];
    for (let i = 0; i < 20_000; i++) {
      // runs of the same ms and of one second, then jumps between days and across the epoch
      const ms = base[Math.floor(r() * base.length)]! + (i % 5 === 0 ? 0 : Math.floor(r() * 3000) - 1500) + (i % 11 === 0 ? 0.4 : 0);
      const reps = 1 + Math.floor(r() * 3);
      for (let k = 0; k < reps; k++) assert.equal(t.text(ms), new Date(ms).toISOString(), `ms ${ms}`);
    }
  });

  it('text() kept seconds: interleaved seconds, seconds sharing a slot (1024 s apart, same second of another day) give toISOString()', () => {
    const t = new IsoTimes();
    const r = rng(7);
    const day = 86_400_000;
    const base = 1795304879000;
    const seconds = [0, 1, 1024, 2048, 1023, 86_399, 3 * 1024 + 5].flatMap((s) => [base + s * 1000, base + day + s * 1000, base - 400 * day + s * 1000]);
    for (let i = 0; i < 30_000; i++) {
      const ms = seconds[Math.floor(r() * seconds.length)]! + Math.floor(r() * 1000);
      assert.equal(t.text(ms), new Date(ms).toISOString(), `ms ${ms}`);
    }
  });

  it('parse() is Date.parse for canonical, mutated and other time texts, across days', () => {
    const t = new IsoTimes();
    const r = rng(6);
    const other = ['2026-11-21T10:00:01Z', '2026-11-21 10:00:01', 'Nov 21 2026', '', 'garbage', '2026-11-21T10:00:01.123+01:00', '+275760-09-13T00:00:00.000Z', '2026-02-30T10:00:00.000Z', '2026-11-21T24:00:00.000Z'];
    for (let i = 0; i < 20_000; i++) {
      let s = i % 9 === 0 ? other[i % other.length]! : new Date((i % 3 === 0 ? Math.floor(r() * MAX_MS) : 1795304879000 + Math.floor(r() * 3e8))).toISOString();
      if (i % 4 === 1) {
        const k = Math.floor(r() * 24);
        s = s.slice(0, k) + String.fromCharCode(40 + Math.floor(r() * 60)) + s.slice(k + 1);
      }
      assert.equal(t.parse(s), Date.parse(s), s);
      if (i % 3 === 0) assert.equal(t.parse(s), Date.parse(s), `${s} again`);
    }
  });

  it('msOf() reads only the exact toISOString() form of the day last seen, as Date.parse does', () => {
    const t = new IsoTimes();
    const r = rng(2);
    let read = 0;
    for (let i = 0; i < 20_000; i++) {
      const ms = 1795304879000 + Math.floor(r() * 3e8);
      t.text(1795304879000 + Math.floor(r() * 3e8)); // sets the day
      let s = new Date(ms).toISOString();
      if (i % 4 === 0) {
        const k = Math.floor(r() * 24);
        s = s.slice(0, k) + String.fromCharCode(40 + Math.floor(r() * 60)) + s.slice(k + 1);
      }
      const got = t.msOf(s);
      if (Number.isNaN(got)) continue;
      read++;
      assert.equal(got, Date.parse(s), s);
      assert.equal(new Date(got).toISOString(), s);
    }
    assert.ok(read > 1000, `only ${read} read`);
    t.text(Date.parse('2026-11-21T00:00:00.000Z'));
    for (const s of ['2026-11-21T24:00:00.000Z', '2026-11-21T10:60:00.000Z', '2026-11-21T10:00:60.000Z', '2026-11-21T10:00:00.000+', '2026-11-21T10:00:00.00Z', '2026-11-21T1a:00:00.000Z', '2026-11-22T10:00:00.000Z']) {
      assert.ok(Number.isNaN(t.msOf(s)), s);
    }
  });
});

describe('parseIsoLike, canonical form', () => {
  it('reads "YYYY-MM-DDTHH:MM:SS.sssZ" as the general path does, invalid fields included', () => {
    const r = rng(3);
    for (let i = 0; i < 5000; i++) {
      const s = new Date(Math.floor(r() * MAX_MS)).toISOString();
      const ms = Date.parse(s);
      assert.equal(parseIsoLike(s, UTC_ZONE), ms >= Date.UTC(1970, 0, 1) ? ms : undefined, s);
    }
    assert.equal(parseIsoLike('2026-02-30T10:00:00.000Z', UTC_ZONE), undefined);
    assert.equal(parseIsoLike('2026-02-28T24:00:00.000Z', UTC_ZONE), undefined);
    assert.equal(parseIsoLike('2026-12-31T23:59:60.000Z', UTC_ZONE), Date.parse('2026-12-31T23:59:59.000Z')); // leap second
    assert.equal(parseIsoLike('2026-11-21T10:00:01.123z', UTC_ZONE), Date.parse('2026-11-21T10:00:01.123Z')); // regex path
    assert.equal(parseIsoLike('2026-11-21T10:00:01.12xZ', UTC_ZONE), undefined);
    assert.equal(parseIsoLike('２026-11-21T10:00:01.123Z', UTC_ZONE), undefined);
  });
});

/** The definition: walk every character, skip the one after a backslash inside a string. */
function depthByWalk(text: string, limit: number, from = 0, to = text.length): boolean {
  let depth = 0;
  let inString = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

describe('exceedsDepth', () => {
  it('agrees with a character walk on random strings of brackets, quotes and backslashes', () => {
    const r = rng(4);
    const alphabet = ['[', ']', '{', '}', '"', '\\', 'a', ',', '"', '\\'];
    for (let n = 0; n < 30_000; n++) {
      let s = '';
      const len = 1 + Math.floor(r() * 20);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
      const from = Math.floor(r() * 3);
      const to = Math.max(from, s.length - Math.floor(r() * 3));
      for (const limit of [0, 1, 2, 3]) assert.equal(exceedsDepth(s, limit, from, to), depthByWalk(s, limit, from, to), `${JSON.stringify(s)} ${limit} ${from} ${to}`);
    }
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    assert.equal(exceedsDepth('{"a":"[[[[\\"[[[[","b":"\\\\"}', 1), false);
    assert.equal(exceedsDepth('{"a":"\\\\",[[["x"]]]}', 3), true);
    assert.equal(exceedsDepth('[' .repeat(40) + ']'.repeat(40), 32), true);
  });
});

/** A random JSON value: nesting up to `depth`, strings holding brackets, quotes and backslashes, "__proto__" keys. */
function randomJson(r: () => number, depth: number): unknown {
  const x = r();
  if (depth <= 0 || x < 0.3) {
    const leaves = ['[', '{"a":[', '\\"]', 'x', '', '"}', 1, -2.5, true, null];
    return leaves[Math.floor(r() * leaves.length)];
  }
  const n = Math.floor(r() * 4);
  if (x < 0.65) return Array.from({ length: n }, () => randomJson(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) Object.defineProperty(o, ['k', '__proto__', '[', 'log'][i]!, { value: randomJson(r, depth - 1), enumerable: true, writable: true, configurable: true });
  return o;
}

describe('valueExceedsDepth', () => {
  it('says of a parsed value what exceedsDepth says of its JSON text', () => {
    const r = rng(9);
    for (let n = 0; n < 5000; n++) {
      const text = JSON.stringify(randomJson(r, 1 + Math.floor(r() * 12)));
      const value = JSON.parse(text) as unknown;
      for (const limit of [1, 2, 3, 5, 8, 16]) assert.equal(valueExceedsDepth(value, limit), exceedsDepth(text, limit), `${text} ${limit}`);
    }
    assert.equal(valueExceedsDepth(JSON.parse('['.repeat(300) + ']'.repeat(300)), 256), true);
  });

  it('parseBody parses first and checks depth after, with the outcomes of checking the text first', () => {
    const limits = { maxBodyBytes: 1e6, maxDecodedBytes: 1e6, maxRecords: 1000, maxDepth: 4 };
    const deep = (k: number) => '['.repeat(k) + ']'.repeat(k);
    const outcome = (text: string) => {
      try {
        return parseBody(text, limits);
      } catch (err) {
        return (err as Error).message;
      }
    };
    // Array bodies: at the limit (kept), past it (the record dead-lettered, the rest kept), past it and malformed.
    assert.deepEqual(outcome(`[{"log":${deep(2)}}]`), { records: [{ log: [[]] }], badLines: [] });
    assert.deepEqual(outcome(`[{"log":"a","d":${deep(4)}},{"log":"b"}]`), { records: [{ log: 'b' }], badLines: [{ line: 1, text: `{"log":"a","d":${deep(4)}}`, reason: 'record 0: JSON nesting deeper than 4 levels' }] });
    assert.deepEqual(outcome(`[{"log":"a","d":${deep(4)}},{"log":"b"},]`), 'body is not valid JSON: record 2: Unexpected end of JSON input');
    assert.match(String(outcome(`[{"log":"a"},`)), /^body is not valid JSON: /);
    // JSON lines: a deep line and a deep malformed line are too deep, a shallow malformed one invalid.
    const lines = outcome(`{"log":"a","d":${deep(4)}}\n{"log":"b","d":${deep(4)}\n{"log":"c",}\n{"log":"d"}`);
    assert.deepEqual(lines, {
      records: [{ log: 'd' }],
      badLines: [
        { line: 1, text: `{"log":"a","d":${deep(4)}}`, reason: 'JSON nesting deeper than 4 levels' },
        { line: 2, text: `{"log":"b","d":${deep(4)}`, reason: 'JSON nesting deeper than 4 levels' },
        { line: 3, text: '{"log":"c",}', reason: (lines as { badLines: Array<{ reason: string }> }).badLines[2]!.reason },
      ],
    });
    assert.match((lines as { badLines: Array<{ reason: string }> }).badLines[2]!.reason, /^line 3 is not valid JSON: /);
  });
});

describe('issued event times', () => {
  it('issuedTimeMs is Date.parse of the last time noted, NaN for any other text and for a non-canonical one', () => {
    const t = new IsoTimes();
    for (const ms of [0, 1795304879123, 1795304879123.7, 253402300799999]) {
      const text = t.text(ms);
      noteIssuedTime(text, ms);
      assert.equal(issuedTimeMs(text), Date.parse(text));
      assert.ok(Number.isNaN(issuedTimeMs(new Date(ms + 1).toISOString())));
    }
    const far = new Date(253402300800000).toISOString(); // "+010000-01-01T00:00:00.000Z": not noted
    noteIssuedTime(far, 253402300800000);
    assert.ok(Number.isNaN(issuedTimeMs(far)));
  });
});

describe('tail line ids', () => {
  it('tailLineId writes the text eventId hashes for the same parts', () => {
    const hosts = ['', 'web1', 'é😀', '4:x;'];
    const paths = ['', '/var/log/auth.log', 'C:\\logs\\a;b.log'];
    const lines = ['', 'x', 'Nov 21 10:00:01 web1 sshd[1]: Failed password', '😀'.repeat(40), '1:;2:'];
    for (const h of hosts) for (const p of paths) for (const l of lines) {
      for (const offset of [0, 7, 2 ** 40 + 3]) {
        assert.equal(tailLineId(h, p, undefined, offset, undefined, l), eventId('tail', h, p, offset, l));
        assert.equal(tailLineId(h, p, '4242', offset, 99, l), eventId('tail-inode', h, p, '4242', offset, l));
      }
      assert.equal(tailLineId(h, p, '1', undefined, 1795304879123, l), eventId('tail-nooffset', h, p, 1795304879123, l));
    }
  });
});

describe('parseCollectorTime', () => {
  it('reads epoch digit strings and ISO texts alike whatever the 5th character', () => {
    for (const v of ['1795304879', '1795304879.5', '17953-04879', '2026-11-21T10:00:01.120Z', '2026-11-21 10:00:01.5', '0000-1', '12345', '1234-', '99999999999999999999', '2026-11-21T10:00:01Z']) {
      const t = parseCollectorTime(v)?.getTime();
      const expected = /^\d{1,20}(?:\.\d{1,9})?$/.test(v) ? parseCollectorTime(Number(v))?.getTime() : parseIsoLike(v, UTC_ZONE);
      assert.equal(t, expected, v);
    }
  });
});
