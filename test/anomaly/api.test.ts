import { test } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { createAnomalyModule } from '../../alert-service/src/anomaly/index.js';
import { AnomalyRepository } from '../../alert-service/src/anomaly/repository.js';
import { generateHistory, makeSeries } from '../../alert-service/src/anomaly/synthetic.js';
import { anomalyConfig, ev, HOUR, ManualClock, MemorySink, MIN } from './helpers.js';

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);

function app(withHistory: boolean) {
  const db = openDatabase({ path: ':memory:' });
  if (withHistory) {
    const repo = new AnomalyRepository(db);
    repo.transaction(() =>
      generateHistory({ series: makeSeries(6, 9), fromMs: T0 - 10 * 24 * HOUR, hours: 10 * 24, seed: 4, anomalyRate: 0.01 }, (r) => repo.insertHour(r.host, r.source, r.hour, r.features)),
    );
    repo.setState('closed_through', String(T0));
  }
  const clock = new ManualClock(T0 + 20 * MIN);
  const mod = createAnomalyModule({ db, config: anomalyConfig(), clock, sink: new MemorySink() });
  const server = express();
  server.use('/api', mod.router);
  return { server, mod, clock };
}

test('status and detect say clearly that no model exists yet; train refuses with 409', async () => {
  const { server } = app(false);
  const status = await request(server).get('/api/anomaly/status').expect(200);
  assert.equal(status.body.trained, false);
  assert.equal(status.body.message, 'no model trained yet (0 hours of history, need 48)');
  assert.equal(status.body.detector, 'faithful');
  const detect = await request(server).get('/api/anomaly/detect').expect(200);
  assert.equal(detect.body.trained, false);
  assert.match(detect.body.message, /^no model trained yet/);
  const train = await request(server).post('/api/anomaly/train').expect(409);
  assert.deepEqual(train.body, { error: 'not_enough_history', message: 'no model trained yet (0 hours of history, need 48)', hours: 0, needed: 48 });
});

test('train (optional {days}), then status and detect report the model and hourly summaries', async () => {
  const { server } = app(true);
  const train = await request(server).post('/api/anomaly/train').send({ days: 10 }).expect(200);
  assert.equal(train.body.model.history_hours, 240);
  assert.equal(train.body.model.series, 6);
  const status = await request(server).get('/api/anomaly/status').expect(200);
  assert.equal(status.body.trained, true);
  assert.equal(status.body.model.history_hours, 240);
  assert.equal(typeof status.body.threshold, 'number');
  assert.match(status.body.model.trained_at, /^2026-03-02T10:20/);
  const detect = await request(server).get('/api/anomaly/detect?hours=48').expect(200);
  assert.equal(detect.body.hours.length, 6 * 48);
  const h = detect.body.hours[0];
  assert.deepEqual(Object.keys(h).slice(0, 8), ['host', 'source', 'hour', 'features', 'is_anomaly', 'score', 'severity', 'explanation']);
  assert.equal(typeof h.score, 'number');
  assert.ok(detect.body.anomalies >= 1, 'the 1% injected anomalies show up');
  const one = await request(server).get('/api/anomaly/detect?host=HOST-0001&hours=3').expect(200);
  assert.equal(one.body.hours.length, 3);
  assert.ok(one.body.hours.every((x: { host: string }) => x.host === 'host-0001'));
  // Default body: training_days (7).
  const def = await request(server).post('/api/anomaly/train').expect(200);
  assert.equal(def.body.model.history_hours, 168);
});

test('error summary: templates with counts by host over a period', async () => {
  const { server, mod, clock } = app(false);
  await mod.consumer.consume([
    ev({ host: 'web-1', time: T0 + MIN, severity: 'error', message: 'upstream timed out after 30001 ms' }),
    ev({ host: 'web-1', time: T0 + 2 * MIN, severity: 'error', message: 'upstream timed out after 30002 ms' }),
    ev({ host: 'web-2', time: T0 + 3 * MIN, severity: 'error', message: 'upstream timed out after 29999 ms' }),
    ev({ host: 'web-2', time: T0 + 4 * MIN, severity: 'warning', message: 'disk /var almost full: 91%' }),
    ev({ host: 'web-2', time: T0 + 5 * MIN, severity: 'info', message: 'info lines are not mined' }),
  ]);
  clock.t = T0 + HOUR + 15 * MIN;
  const all = await request(server).get(`/api/anomaly/errors?from=${new Date(T0).toISOString()}&to=${T0 + HOUR}`).expect(200);
  assert.deepEqual(
    all.body.templates.map((t: { template: string; total: number; by_host: object }) => [t.template, t.total, t.by_host]),
    [
      ['upstream timed out after <NUM> ms', 3, { 'web-1': 2, 'web-2': 1 }],
      ['disk <PATH> almost full: <NUM>', 1, { 'web-2': 1 }],
    ],
  );
  const one = await request(server).get('/api/anomaly/errors?host=web-1').expect(200);
  assert.equal(one.body.templates.length, 1);
  assert.equal(one.body.host, 'web-1');
  const empty = await request(server).get(`/api/anomaly/errors?from=${T0 + HOUR}&to=${T0 + 2 * HOUR}`).expect(200);
  assert.deepEqual(empty.body.templates, []);
});

test('invalid parameters get a 400 with a JSON error naming the parameter', async () => {
  const { server } = app(false);
  const cases: Array<[string, RegExp]> = [
    ['/api/anomaly/detect?hours=0', /'hours' must be between 1 and 720/],
    ['/api/anomaly/detect?hours=abc', /'hours' must be an integer/],
    ['/api/anomaly/detect?hours=1&hours=2', /'hours' must be given once/],
    ['/api/anomaly/detect?limit=99999', /'limit' must be between 1 and 5000/],
    ['/api/anomaly/detect?host=', /'host' must be 1-255 printable characters/],
    ['/api/anomaly/detect?host=a%0Ab', /'host' must be 1-255 printable characters/],
    ['/api/anomaly/detect?hostname=x', /unknown query parameter 'hostname'/],
    ['/api/anomaly/errors?from=yesterday', /'from' must be an ISO 8601 time/],
    ['/api/anomaly/errors?from=2026-03-02T10:00:00Z&to=2026-03-01T10:00:00Z', /'from' must be before 'to'/],
    ['/api/anomaly/errors?from=2025-01-01&to=2026-03-01', /at most 90 days/],
    ['/api/anomaly/status?x=1', /unknown query parameter 'x'/],
  ];
  for (const [url, msg] of cases) {
    const res = await request(server).get(url).expect(400);
    assert.match(res.body.message, msg, url);
  }
  for (const body of [{ days: 0 }, { days: 1.5 }, { days: '7' }, { weeks: 1 }, [1]]) {
    const res = await request(server).post('/api/anomaly/train').send(body).expect(400);
    assert.equal(typeof res.body.error, 'string');
  }
});

test('error summary times: an ISO time without offset is UTC whatever the server zone; impossible days get a 400', async () => {
  const { server } = app(false);
  const tz = process.env.TZ;
  process.env.TZ = 'Europe/Berlin';
  try {
    const res = await request(server).get('/api/anomaly/errors?from=2026-03-01T10:00:00&to=2026-03-02').expect(200);
    assert.equal(res.body.from, '2026-03-01T10:00:00.000Z');
    assert.equal(res.body.to, '2026-03-02T00:00:00.000Z');
    const withOffset = await request(server).get('/api/anomaly/errors?from=2026-03-01T10:00:00%2B01:00&to=2026-03-01T12:00:00Z').expect(200);
    assert.equal(withOffset.body.from, '2026-03-01T09:00:00.000Z');
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
  const bad = await request(server).get('/api/anomaly/errors?from=2026-02-30&to=2026-03-02').expect(400);
  assert.match(bad.body.message, /'from' must be an ISO 8601 time/);
});
