/**
 * Day one: a fresh service receives 8 days of existing logs with their real (past) timestamps,
 * as Fluent Bit sends them with read_from_head on a first run, from two agents one after the
 * other, so the second host's history arrives for hours already closed. It rebuilds, trains and
 * finds the planted anomalous hours, with nothing dropped as late.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { postRaw, startTestService } from '../helpers/service.js';
import type { AnomalyModule } from '../../alert-service/src/anomaly/index.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';

const TOKEN = 'day-one-token';
const HOUR = 3_600_000;
const DAYS = 8;

interface Line {
  time: number;
  text: string;
}

/** 8 days of one host's syslog: a day/night rhythm, a little noise, and planted hours. */
function history(host: string, start: number, plants: Map<number, (t: number, i: number) => string>, seed: number): Line[] {
  const rng = mulberry32(seed);
  const out: Line[] = [];
  for (let h = 0; h < DAYS * 24; h++) {
    const hour = start + h * HOUR;
    const local = new Date(hour).getUTCHours();
    const base = local >= 8 && local < 20 ? 40 : 12;
    const n = base + rng.int(6);
    for (let i = 0; i < n; i++) {
      const t = hour + Math.floor((i / n) * HOUR);
      out.push({ time: t, text: i % 9 === 0 ? `cron[${100 + i}]: job ${i % 4} finished` : `app[${200 + (i % 5)}]: request ${i} served in ${rng.int(90)} ms` });
      if (i % 15 === 0) out.push({ time: t + 1, text: `app[201]: warning: slow query took ${500 + rng.int(300)} ms` });
    }
    const plant = plants.get(h);
    if (plant) for (let i = 0; i < 200; i++) out.push({ time: hour + i * 15_000, text: plant(hour, i) });
  }
  return out.sort((a, b) => a.time - b.time).map((l) => ({ time: l.time, text: `${new Date(l.time).toISOString()} ${host} ${l.text}` }));
}

test('8 days of past logs into a fresh service: rebuilt, trained, planted hours detected, nothing dropped', { timeout: 180_000 }, async () => {
  const t = await startTestService({
    ingest: { tokens: [TOKEN] },
    anomaly: { time_zone: 'UTC', grace_period_minutes: 10 },
    alerting: { geoip: { enabled: false } } as never,
  });
  try {
    const base = `http://127.0.0.1:${await t.service.listen()}`;
    const anomaly = t.service.modules.find((m) => m.name === 'anomaly') as AnomalyModule;
    const start = Math.floor(Date.now() / HOUR) * HOUR - DAYS * 24 * HOUR;
    const sshStorm = new Map([[150, (_t: number, i: number) => `sshd[${3000 + i}]: Failed password for root from 203.0.113.${i % 120} port ${40000 + i} ssh2`]]);
    const diskStorm = new Map([[170, (_t: number, i: number) => `kernel: blk_update_request: I/O error, dev sdb, sector ${1000 + i * 8} op 0x0:(READ)`]]);
    const hosts: Array<[string, Line[]]> = [
      ['web1', history('web1', start, sshStorm, 1)],
      ['db1', history('db1', start, diskStorm, 2)],
    ];
    let offset = 0;
    for (const [host, lines] of hosts) {
      for (let i = 0; i < lines.length; i += 2000) {
        const records = lines.slice(i, i + 2000).map((l) => ({ fb_time: new Date().toISOString(), file: '/var/log/syslog', offset: (offset += 120), log: l.text, hostname: host, source_kind: 'syslog' }));
        const res = await postRaw(base, '/v1/ingest', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': 'syslog' }, gzipSync(JSON.stringify(records)));
        assert.equal(res.status, 204, res.text);
      }
      await t.service.pump.notify();
      anomaly.closeDueHours(); // the first agent's history closes its hours; the second's then arrives late
    }
    const before = anomaly.status();
    assert.equal(before.late_events_dropped, 0, 'nothing dropped as late');
    assert.ok(before.late_events_rebuilt > 1000, `late events rebuilt: ${before.late_events_rebuilt}`);

    const api = async (method: string, path: string, body?: object) => {
      const res = await fetch(base + path, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const rebuilt = await api('POST', '/api/anomaly/rebuild', { days: DAYS });
    assert.equal(rebuilt.status, 200, JSON.stringify(rebuilt.body));
    assert.equal(anomaly.status().hours_to_rebuild, 0);
    const trained = await api('POST', '/api/anomaly/train', { days: DAYS });
    assert.equal(trained.status, 200, JSON.stringify(trained.body));
    const model = trained.body.model as { series: number; history_hours: number; time_zone: string };
    assert.ok(model.history_hours >= DAYS * 24 - 2, `history hours ${model.history_hours}`);
    assert.equal(model.time_zone, 'UTC');

    const detect = await api('GET', `/api/anomaly/detect?hours=${DAYS * 24}&limit=5000`);
    const hours = detect.body.hours as Array<{ host: string; hour: string; is_anomaly: boolean; explanation: string[]; features: { total: number } }>;
    const flagged = hours.filter((h) => h.is_anomaly).map((h) => `${h.host}@${h.hour}`);
    const planted = [`web1@${new Date(start + 150 * HOUR).toISOString()}`, `db1@${new Date(start + 170 * HOUR).toISOString()}`];
    for (const p of planted) assert.ok(flagged.includes(p), `${p} flagged; flagged: ${flagged.join(', ')}`);
    // The rhythm is learned, not flagged: at most a few other hours out of 384.
    assert.ok(flagged.length <= planted.length + 4, `flagged ${flagged.length}: ${flagged.join(', ')}`);
    const db1 = hours.find((h) => `${h.host}@${h.hour}` === planted[1])!;
    assert.ok(db1.explanation.some((e) => e.startsWith('errors')), db1.explanation.join('; '));
  } finally {
    await t.close();
  }
});
