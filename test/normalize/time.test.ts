/** Event time: year inference, zones, every timestamp format, collector date key formats, fallbacks. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRawLine, normalizeRecord, parseCollectorTime, validateNormalizeConfig } from '../../alert-service/src/normalize/index.js';
import { resolveZone, UTC_ZONE, wallClockToUtc } from '../../alert-service/src/normalize/zone.js';
import { inferSyslogYear } from '../../alert-service/src/normalize/time.js';
import { assertValidEvent, cfg } from './helpers.js';

const at = (iso: string) => new Date(iso);
const line = (text: string, path: string, ctx: { collectedAt?: Date; receivedAt: Date }, config = cfg(), host = 'web1') => {
  const ev = normalizeRawLine(text, { path, offset: 0, host }, ctx, config);
  assertValidEvent(ev);
  return ev;
};

describe('RFC 3164 year inference', () => {
  it('a December line collected in January belongs to last year', () => {
    const ev = line('Dec 31 23:59:58 web1 sshd[1]: Accepted publickey for a from 192.0.2.1 port 1 ssh2', '/var/log/auth.log', { collectedAt: at('2027-01-01T00:00:03Z'), receivedAt: at('2027-01-01T00:00:04Z') });
    assert.equal(ev.time, '2026-12-31T23:59:58.000Z');
    assert.equal(ev.time_source, 'line');
  });

  it('a January line collected in January is this year, also when read back in December without a collection time', () => {
    assert.equal(line('Jan  1 00:00:01 web1 cron[2]: x', '/var/log/syslog', { collectedAt: at('2027-01-01T00:00:03Z'), receivedAt: at('2027-01-01T00:00:04Z') }).time, '2027-01-01T00:00:01.000Z');
    // receivedAt is the reference when there is no collection time
    assert.equal(line('Dec 30 12:00:00 web1 cron[2]: x', '/var/log/syslog', { receivedAt: at('2027-01-02T00:00:00Z') }).time, '2026-12-30T12:00:00.000Z');
  });

  it('a line slightly ahead of the collector (clock skew across New Year) is next year, an old line read from the head of a file is never in the future', () => {
    assert.equal(line('Jan  1 00:00:30 web1 x: y', '/var/log/syslog', { collectedAt: at('2026-12-31T23:59:50Z'), receivedAt: at('2026-12-31T23:59:51Z') }).time, '2027-01-01T00:00:30.000Z');
    assert.equal(line('Feb  1 08:00:00 web1 x: y', '/var/log/syslog', { collectedAt: at('2026-11-21T10:00:00Z'), receivedAt: at('2026-11-21T10:00:00Z') }).time, '2026-02-01T08:00:00.000Z');
    assert.equal(line('Nov 25 08:00:00 web1 x: y', '/var/log/syslog', { collectedAt: at('2026-11-21T10:00:00Z'), receivedAt: at('2026-11-21T10:00:00Z') }).time, '2025-11-25T08:00:00.000Z');
  });

  it('Feb 29 goes to the latest leap year that is not in the future', () => {
    assert.equal(line('Feb 29 12:00:00 web1 x: y', '/var/log/syslog', { receivedAt: at('2026-11-21T00:00:00Z') }).time, '2024-02-29T12:00:00.000Z');
  });

  it('the future tolerance is configurable', () => {
    const ctx = { collectedAt: at('2026-11-21T10:00:00Z'), receivedAt: at('2026-11-21T10:00:00Z') };
    assert.equal(line('Nov 21 13:00:00 web1 x: y', '/var/log/syslog', ctx).time, '2026-11-21T13:00:00.000Z');
    assert.equal(line('Nov 21 13:00:00 web1 x: y', '/var/log/syslog', ctx, cfg({ syslog_future_tolerance_hours: 1 })).time, '2025-11-21T13:00:00.000Z');
  });
});

describe('RFC 3164 year inference, day memo', () => {
  it('lines of one day with a moving collection time get inferSyslogYear\'s year, across year and tolerance boundaries', () => {
    let s = 7;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const days: Array<[number, number]> = [[1, 1], [12, 31], [2, 29], [2, 28], [11, 21], [3, 1]];
    const edges = ['2026-12-31T00:00:00Z', '2027-01-01T00:00:00Z', '2028-02-29T00:00:00Z', '2026-11-21T00:00:00Z', '2024-03-01T00:00:00Z'].map(Date.parse);
    for (const tolH of [48, 1, 0]) {
      const config = cfg({ syslog_future_tolerance_hours: tolH });
      for (let i = 0; i < 3000; i++) {
        const [mo, d] = days[Math.floor(i / 50) % days.length]!; // runs of one day, so the memo is reused
        const ref = edges[Math.floor(rand() * edges.length)]! + Math.floor((rand() - 0.5) * 6 * 86_400_000);
        const h = Math.floor(rand() * 24), mi = Math.floor(rand() * 60), sec = Math.floor(rand() * 61);
        const text = `${MONTHS[mo - 1]} ${String(d).padStart(2, ' ')} ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(sec).padStart(2, '0')} web1 x: y`;
        const ev = normalizeRawLine(text, { path: '/var/log/syslog', offset: i, host: 'web1' }, { collectedAt: new Date(ref), receivedAt: new Date(ref + 1000) }, config);
        const expected = inferSyslogYear(mo, d, h, mi, sec, 0, UTC_ZONE, ref, tolH * 3_600_000);
        if (expected === undefined) assert.notEqual(ev.time_source, 'line', text);
        else assert.equal(ev.time, new Date(expected).toISOString(), `${text} ref ${new Date(ref).toISOString()} tolerance ${tolH} h`);
      }
    }
  });
});

describe('time zones', () => {
  const ctx = { collectedAt: at('2026-07-01T12:00:00Z'), receivedAt: at('2026-07-01T12:00:01Z') };

  it('RFC 3164 lines are read in the configured IANA zone, with DST', () => {
    assert.equal(line('Jul  1 10:00:00 web1 x: y', '/var/log/syslog', ctx, cfg({ timezone: 'Europe/Berlin' })).time, '2026-07-01T08:00:00.000Z');
    assert.equal(line('Jan 15 10:00:00 web1 x: y', '/var/log/syslog', ctx, cfg({ timezone: 'Europe/Berlin' })).time, '2026-01-15T09:00:00.000Z');
    assert.equal(line('Jul  1 10:00:00 web1 x: y', '/var/log/syslog', ctx, cfg({ timezone: 'America/New_York' })).time, '2026-07-01T14:00:00.000Z');
    assert.equal(line('Jul  1 10:00:00 web1 x: y', '/var/log/syslog', ctx, cfg({ timezone: 'Asia/Kolkata' })).time, '2026-07-01T04:30:00.000Z');
    assert.equal(line('Jul  1 10:00:00 web1 x: y', '/var/log/syslog', ctx, cfg({ timezone: '+02:00' })).time, '2026-07-01T08:00:00.000Z');
  });

  it('per-host override by the syslog header host, case-insensitive, short name matching a FQDN key', () => {
    const config = cfg({ timezone: 'UTC', host_timezones: { 'DB1.example.com': 'Asia/Tokyo' } });
    assert.equal(line('Jul  1 10:00:00 db1 x: y', '/var/log/syslog', ctx, config).time, '2026-07-01T01:00:00.000Z');
    assert.equal(line('Jul  1 10:00:00 web1 x: y', '/var/log/syslog', ctx, config).time, '2026-07-01T10:00:00.000Z');
  });

  it('per-host override by the agent host for lines that name no host (nginx error log)', () => {
    const config = cfg({ host_timezones: { web1: 'America/New_York' } });
    assert.equal(line('2026/07/01 10:00:03 [error] 1#1: x', '/var/log/nginx/error.log', ctx, config).time, '2026-07-01T14:00:03.000Z');
  });

  it('lines with an explicit offset ignore the configured zone', () => {
    const config = cfg({ timezone: 'Asia/Tokyo' });
    assert.equal(line('2026-07-01T10:10:01.482311+02:00 db1 sshd[1]: x', '/var/log/auth.log', ctx, config).time, '2026-07-01T08:10:01.482Z');
    assert.equal(line('1.2.3.4 - - [01/Jul/2026:10:00:01 -0500] "GET / HTTP/1.1" 200 1 "-" "-"', '/var/log/nginx/access.log', ctx, config).time, '2026-07-01T15:00:01.000Z');
  });

  it('DST gaps and overlaps resolve deterministically', () => {
    const berlin = resolveZone('Europe/Berlin');
    // 2026-03-29 02:30 does not exist in Berlin; 2026-10-25 02:30 happens twice.
    assert.equal(wallClockToUtc(Date.UTC(2026, 2, 29, 2, 30), berlin), Date.UTC(2026, 2, 29, 0, 30));
    assert.equal(wallClockToUtc(Date.UTC(2026, 9, 25, 2, 30), berlin), Date.UTC(2026, 9, 25, 1, 30));
    assert.equal(wallClockToUtc(Date.UTC(2026, 9, 25, 4, 0), berlin), Date.UTC(2026, 9, 25, 3, 0));
    assert.equal(wallClockToUtc(Date.UTC(2026, 2, 29, 4, 0), berlin), Date.UTC(2026, 2, 29, 2, 0));
  });

  it('unknown zones are reported by validateNormalizeConfig and fall back to UTC instead of failing records', () => {
    const bad = cfg({ timezone: 'Mars/Olympus', host_timezones: { a: 'Europe/Berlin', b: 'Nowhere/Land' } });
    assert.deepEqual(validateNormalizeConfig(bad), [
      'normalize.timezone: unknown time zone "Mars/Olympus"',
      'normalize.host_timezones.b: unknown time zone "Nowhere/Land"',
    ]);
    assert.deepEqual(validateNormalizeConfig(cfg({ timezone: 'Europe/Berlin' })), []);
    assert.equal(line('Jul  1 10:00:00 web1 x: y', '/var/log/syslog', ctx, bad).time, '2026-07-01T10:00:00.000Z');
  });
});

describe('timestamp formats', () => {
  const ctx = { collectedAt: at('2026-11-21T23:47:51Z'), receivedAt: at('2026-11-22T00:00:00Z') };
  const cases: Array<[string, string, string]> = [
    ['Nov 21 10:00:01 web1 sshd[3101]: x', '/var/log/auth.log', '2026-11-21T10:00:01.000Z'],
    ['<38>Nov 21 10:00:01 web1 sshd[3101]: x', '/var/log/auth.log', '2026-11-21T10:00:01.000Z'],
    ['2026-11-21T10:10:01.482311+00:00 db1 sshd[7001]: x', '/var/log/auth.log', '2026-11-21T10:10:01.482Z'],
    ['<34>1 2026-11-21T10:00:01.003Z web1 su 77 ID47 - x', '/var/log/syslog', '2026-11-21T10:00:01.003Z'],
    ['203.0.113.50 - - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 1 "-" "-"', '/var/log/nginx/access.log', '2026-11-21T10:00:01.000Z'],
    ['2026/11/21 10:00:03 [error] 811#811: *19 x', '/var/log/nginx/error.log', '2026-11-21T10:00:03.000Z'],
    ['[Sat Nov 21 10:00:03.123456 2026] [core:error] [pid 1234:tid 5678] [client 203.0.113.5:51234] AH00126: x', '/var/log/apache2/error.log', '2026-11-21T10:00:03.123Z'],
    ['2026-11-21 10:00:05,113 ERROR [worker-3] x', '/var/log/myapp/worker.log', '2026-11-21T10:00:05.113Z'],
    ['2026-11-21T10:00:05.113+01:00 WARN x', '/var/log/myapp/a.log', '2026-11-21T09:00:05.113Z'],
    ['{"time":"2026-11-21T10:00:01.120Z","msg":"x"}', '/var/log/myapp/a.log', '2026-11-21T10:00:01.120Z'],
    ['{"timestamp":"2026-11-21 10:00:01","message":"x"}', '/var/log/myapp/a.log', '2026-11-21T10:00:01.000Z'],
    ['{"@timestamp":"2026-11-21T10:00:01.5+02:00","message":"x"}', '/var/log/myapp/a.log', '2026-11-21T08:00:01.500Z'],
    ['{"ts":1795255201.25,"msg":"x"}', '/var/log/myapp/a.log', '2026-11-21T10:00:01.250Z'],
    ['{"time":1795255201123,"msg":"x"}', '/var/log/myapp/a.log', '2026-11-21T10:00:01.123Z'],
  ];
  for (const [text, path, want] of cases) {
    it(`${text.slice(0, 60)}`, () => {
      const ev = line(text, path, ctx);
      assert.equal(ev.time, want);
      assert.equal(ev.time_source, 'line');
    });
  }

  it('no timestamp in the line: collection time, else receive time, with time_source saying so', () => {
    const a = line('just words', '/var/log/myapp/a.log', ctx);
    assert.equal(a.time, '2026-11-21T23:47:51.000Z');
    assert.equal(a.time_source, 'collector');
    const b = line('just words', '/var/log/myapp/a.log', { receivedAt: at('2026-11-22T00:00:00Z') });
    assert.equal(b.time, '2026-11-22T00:00:00.000Z');
    assert.equal(b.time_source, 'received');
  });

  it('a line time far past the collection and receive times falls back (it would sort after everything and never be pruned)', () => {
    for (const text of ['{"time":"9999-12-31T00:00:00Z","msg":"x"}', '2099-01-01T00:00:00Z web1 x: y', '{"ts":4102444800,"msg":"x"}']) {
      const ev = line(text, '/var/log/syslog', ctx);
      assert.equal(ev.time_source, 'collector', text);
      assert.equal(ev.time, '2026-11-21T23:47:51.000Z', text);
    }
    // a host clock a little ahead is still believed
    assert.equal(line('{"time":"2026-11-22T01:00:00Z","msg":"x"}', '/var/log/myapp/a.log', ctx).time_source, 'line');
  });

  it('impossible dates in a line fall back instead of rolling over or throwing', () => {
    for (const text of ['Feb 30 10:00:00 web1 x: y', 'Nov 21 25:00:00 web1 x: y', '2026-13-01 10:00:00 ERROR x', '{"time":"99999-01-01T00:00:00Z","msg":"x"}', '{"time":-5,"msg":"x"}']) {
      const ev = line(text, '/var/log/syslog', ctx);
      assert.equal(ev.time_source, 'collector', text);
    }
  });

  it('Windows TimeCreated with the host offset → UTC; winlog TimeGenerated likewise', () => {
    const base = { ProviderName: 'P', EventID: 1, Level: 4, EventRecordID: 1, Channel: 'System', Computer: 'h', TimeCreated: '2026-11-21 10:14:01 +0100' };
    assert.equal(normalizeRecord(base, 'winevtlog', ctx, cfg()).time, '2026-11-21T09:14:01.000Z');
    assert.equal(normalizeRecord({ ...base, TimeCreated: '2026-07-01 01:00:00 -0700' }, 'winevtlog', ctx, cfg()).time, '2026-07-01T08:00:00.000Z');
    const winlog = { RecordNumber: 5, EventID: 7036, Channel: 'System', ComputerName: 'H', TimeGenerated: '2026-11-21 10:14:01 +0530', SourceName: 'S' };
    assert.equal(normalizeRecord(winlog, 'winlog', ctx, cfg()).time, '2026-11-21T04:44:01.000Z');
  });
});

describe('parseCollectorTime (every json_date_format)', () => {
  it('double, epoch, epoch_ms, iso8601, java_sql_timestamp', () => {
    assert.equal(parseCollectorTime(1795255081.124409)?.toISOString(), '2026-11-21T09:58:01.124Z');
    assert.equal(parseCollectorTime(1795255081)?.toISOString(), '2026-11-21T09:58:01.000Z');
    assert.equal(parseCollectorTime(1795255081124)?.toISOString(), '2026-11-21T09:58:01.124Z');
    assert.equal(parseCollectorTime('2026-11-21T23:47:51.124409Z')?.toISOString(), '2026-11-21T23:47:51.124Z');
    assert.equal(parseCollectorTime('2026-11-21 23:47:51.124409')?.toISOString(), '2026-11-21T23:47:51.124Z');
    assert.equal(parseCollectorTime('1795255081.5')?.toISOString(), '2026-11-21T09:58:01.500Z');
  });

  it('anything else is undefined', () => {
    for (const v of ['user-supplied date field', '', null, undefined, {}, [], -1, Number.NaN, Infinity, 1e300, '2026-02-30T00:00:00Z', true]) {
      assert.equal(parseCollectorTime(v), undefined, String(v));
    }
  });
});

describe('canonical ISO times read by the day memo', () => {
  it('give the same instant as the first, full read of the day, and refuse what it refuses', () => {
    const texts = ['2026-11-21T10:00:01.120Z', '2026-11-21T23:59:59.999Z', '2026-11-21T00:00:00.000Z', '2026-11-21T10:00:60.000Z', '2026-11-21T24:00:00.000Z', '2026-11-21T10:61:00.000Z', '2026-11-21T1a:00:00.000Z', '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2024-02-29T12:00:00.000Z', '2026-02-29T12:00:00.000Z', '9999-12-31T23:59:59.999Z'];
    for (const t of texts) {
      const first = parseCollectorTime(t)?.getTime();
      const again = parseCollectorTime(t)?.getTime(); // now on the day last seen
      assert.equal(again, first, t);
      const ref = Date.parse(t);
      const year = Number(t.slice(0, 4));
      if (Number.isFinite(ref) && year >= 1970 && !t.includes(':60.') && !t.includes('T24:') && !t.startsWith('2026-02-29')) assert.equal(first, ref, t);
    }
    assert.equal(parseCollectorTime('1969-12-31T23:59:59.999Z'), undefined);
    assert.equal(parseCollectorTime('2026-11-21T24:00:00.000Z'), undefined);
    assert.equal(parseCollectorTime('2026-02-29T12:00:00.000Z'), undefined);
    assert.equal(parseCollectorTime('2026-11-21T10:00:60.000Z')?.toISOString(), '2026-11-21T10:00:59.000Z');
  });
});
