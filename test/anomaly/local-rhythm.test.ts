/**
 * Local rhythm per host: with anomaly.time_zone left empty, a host whose records carry a numeric
 * UTC offset (+05:30) gets its hour-of-day/weekday slots at that offset, and a host whose records
 * carry none (an RFC 3164 header, or "Z") gets the service's zone. Through the real path: HTTP
 * ingest → normalize → store → pump → anomaly buckets → rebuild → training.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { postRaw, startTestService } from '../helpers/service.js';
import type { AnomalyModule } from '../../alert-service/src/anomaly/index.js';
import { AnomalyRepository } from '../../alert-service/src/anomaly/repository.js';
import { parseBaseline } from '../../alert-service/src/anomaly/baseline.js';
import { FEATURES } from '../../alert-service/src/anomaly/features.js';
import { offsetSlotter, serviceTimeZone, slotter } from '../../alert-service/src/anomaly/time-slot.js';
import { HostOffsets } from '../../alert-service/src/anomaly/host-offsets.js';
import { ev } from './helpers.js';
import { normalizeRawLine } from '../../alert-service/src/normalize/index.js';

const TOKEN = 'local-rhythm-token';
const HOUR = 3_600_000;
const DAYS = 4;
const IST = 330; // +05:30 in minutes

/** "2026-11-21T15:30:00.000+05:30": the wall clock at `offsetMin`, written with that offset. */
function withOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

test('HostOffsets keeps the offset of the latest record by event time, ignores records without one', () => {
  const h = new HostOffsets();
  assert.equal(h.note('a', ev({ time: 1000 }), 1000), false, 'no offset: nothing noted');
  assert.equal(h.note('a', { ...ev({ time: 2000 }), time_offset_minutes: 60 }, 2000), true);
  assert.equal(h.note('a', { ...ev({ time: 1500 }), time_offset_minutes: 120 }, 1500), false, 'an older record does not overwrite');
  assert.equal(h.get('a'), 60);
  assert.equal(h.note('a', { ...ev({ time: 3000 }), time_offset_minutes: 120 }, 3000), true, 'a newer one does (DST)');
  assert.equal(h.note('a', { ...ev({ time: 4000 }), time_offset_minutes: 5000 }, 4000), false, 'out of range');
  const back = HostOffsets.parse(JSON.stringify(h));
  assert.equal(back.get('a'), 120);
  assert.equal(HostOffsets.parse('{"x":["bad"],"__proto__":[60,1]}').get('x'), undefined);
  assert.equal(HostOffsets.parse('not json').size, 0);
});

test('normalize keeps the numeric UTC offset a line was written with; "Z", RFC 3164 and fallbacks carry none', () => {
  const ctx = { collectedAt: new Date('2026-11-21T12:00:00Z'), receivedAt: new Date('2026-11-21T12:00:01Z') };
  const config = { timezone: 'UTC', max_message_chars: 16384 };
  const norm = (text: string, path = '/var/log/syslog') => normalizeRawLine(text, { path, offset: 0, host: 'h1' }, ctx, config);
  const rsyslog = norm('2026-11-21T15:30:01.482311+05:30 h1 app[1]: ok');
  assert.equal(rsyslog.time, '2026-11-21T10:00:01.482Z');
  assert.equal(rsyslog.time_offset_minutes, IST);
  assert.equal(norm('<34>1 2026-11-21T05:00:01.003-05:00 h1 app 12 - - ok').time_offset_minutes, -300, 'RFC 5424');
  assert.equal(norm('2026-11-21T10:00:01.000+00:00 h1 app[1]: ok').time_offset_minutes, 0, '+00:00 is an offset');
  assert.equal(norm('2026-11-21T10:00:01.000Z h1 app[1]: ok').time_offset_minutes, undefined, '"Z" is not');
  assert.equal(norm('Nov 21 10:00:01 h1 app[1]: ok').time_offset_minutes, undefined, 'RFC 3164 has none');
  assert.equal(norm('{"time":"2026-11-21T11:00:01+01:00","msg":"ok"}', '/var/log/app/orders.log').time_offset_minutes, 60, 'JSON app log');
  // A time in the future beyond tolerance is not believed: the collector time, and no offset.
  const future = norm('2027-11-21T15:30:01.000+05:30 h1 app[1]: ok');
  assert.equal(future.time_source, 'collector');
  assert.equal(future.time_offset_minutes, undefined);
});

test('offsetSlotter: 10:00Z at +05:30 is the 15:00 slot, and the weekend starts at local midnight', () => {
  const s = offsetSlotter(IST);
  assert.equal(s(Date.UTC(2026, 0, 20, 10)), 15, 'Tuesday 15:30 local');
  // Friday 19:00Z is Saturday 00:30 at +05:30: a weekend slot there, a weekday one in UTC.
  assert.equal(s(Date.UTC(2026, 0, 23, 19)), 24);
  assert.equal(offsetSlotter(0)(Date.UTC(2026, 0, 23, 19)), 19);
  assert.equal(offsetSlotter(-300)(Date.UTC(2026, 0, 20, 3)), 22, 'Monday 22:00 at -05:00');
});

test('a host whose records carry +05:30 gets slots at its offset; records without an offset fall back to the service zone', { timeout: 120_000 }, async () => {
  const t = await startTestService({
    ingest: { tokens: [TOKEN] },
    anomaly: { time_zone: '', grace_period_minutes: 10 },
    alerting: { geoip: { enabled: false } } as never,
  });
  try {
    const base = `http://127.0.0.1:${await t.service.listen()}`;
    const anomaly = t.service.modules.find((m) => m.name === 'anomaly') as AnomalyModule;
    const serviceSlot = slotter(serviceTimeZone());
    const istSlot = offsetSlotter(IST);
    const start = Math.floor(Date.now() / HOUR) * HOUR - DAYS * 24 * HOUR;
    // Both hosts are busy 09:00-17:59 in *their* local time: 30 events an hour, else 2.
    const busy = (slot: number) => slot % 24 >= 9 && slot % 24 < 18;
    const records: object[] = [];
    let offset = 0;
    const push = (host: string, log: string) => records.push({ fb_time: new Date().toISOString(), file: '/var/log/syslog', offset: (offset += 100), log, hostname: host, source_kind: 'syslog' });
    for (let h = 0; h < DAYS * 24; h++) {
      const hour = start + h * HOUR;
      const nMumbai = busy(istSlot(hour)) ? 30 : 2;
      for (let i = 0; i < nMumbai; i++) push('mumbai', `${withOffset(hour + i * 60_000, IST)} mumbai app[12]: request ${i} served`);
      const nPlain = busy(serviceSlot(hour)) ? 30 : 2;
      // "Z" is UTC notation, not the host's offset: this host has none.
      for (let i = 0; i < nPlain; i++) push('plain', `${new Date(hour + i * 60_000).toISOString()} plain app[7]: request ${i} served`);
    }
    for (let i = 0; i < records.length; i += 2000) {
      const res = await postRaw(base, '/v1/ingest', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': 'syslog' }, gzipSync(JSON.stringify(records.slice(i, i + 2000))));
      assert.equal(res.status, 204, res.text);
    }
    await t.service.pump.notify();

    // The offset is kept with the stored event (time itself stays UTC).
    const stored = t.service.store.query({ fromMs: start, toMs: start + 2 * HOUR, limit: 500 });
    const m = stored.find((e) => e.host === 'mumbai')!;
    const p = stored.find((e) => e.host === 'plain')!;
    assert.equal(m.time_offset_minutes, IST);
    assert.ok(m.time.endsWith('Z'), m.time);
    assert.equal(p.time_offset_minutes, undefined, '"Z" carries no host offset');

    anomaly.closeDueHours();
    anomaly.rebuild({ days: DAYS });
    const info = anomaly.train({ days: DAYS });
    assert.equal(info.time_zone, serviceTimeZone(), 'hosts without an offset: the service zone');
    assert.equal(info.host_offset_series, 1);

    const repo = new AnomalyRepository(t.service.db);
    const model = repo.latestModel()!;
    const baselines = new Map([...repo.modelBaselines(model.id)].map((b) => [b.host, parseBaseline(b.baseline)]));
    const total = FEATURES.indexOf('total');
    const F = FEATURES.length;
    const median = (host: string, slot: number) => Math.expm1(baselines.get(host)!.median[slot * F + total]!);
    assert.equal(baselines.get('mumbai')!.offsetMin, IST);
    assert.equal(baselines.get('plain')!.offsetMin, undefined);
    // Weekday 16:00 local is busy and 05:00 local quiet, for each host in its own slots. In UTC
    // slots mumbai would be the other way round (16:00Z is 21:30 there, 05:00Z is 10:30).
    for (const host of ['mumbai', 'plain']) {
      assert.ok(median(host, 16) > 20, `${host} 16:00 slot median ${median(host, 16)}`);
      assert.ok(median(host, 5) < 5, `${host} 05:00 slot median ${median(host, 5)}`);
    }
    // Scoring uses the same shifted slots: a busy local hour of mumbai is not flagged.
    // Not the newest hour: the stream ends there, so it closes only once events pass it (when the
    // test runs between 07:00 and 07:59 UTC the 11:00 IST hour is the newest, and is still open).
    const busyHour = [...Array(24).keys()].map((k) => start + (DAYS * 24 - 25 + k) * HOUR).find((h) => istSlot(h) % 24 === 11)!;
    const d = anomaly.detect({ host: 'mumbai', hours: DAYS * 24 });
    const row = d.hours.find((r) => r.hour === new Date(busyHour).toISOString())!;
    assert.equal(row.features.total, 30);
    assert.equal(row.is_anomaly, false, row.explanation.join('; '));
  } finally {
    await t.close();
  }
});
