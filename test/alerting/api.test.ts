/** The REST API through express + supertest: filters, detail with delivery log and enrichment, ack, silences, outbox, validation. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createAlertingModule, alertingConfig, DeliveryError } from '../../alert-service/src/alerting/index.js';
import { ManualClock, RecordingNotifier, memoryDb, signal } from './helpers.js';
import { describeErrors, validatorFor } from '../../alert-service/src/schema/registry.js';

function setup() {
  const clock = new ManualClock();
  const slack = new RecordingNotifier('slack');
  const mod = createAlertingModule({
    db: memoryDb(),
    config: alertingConfig({ digest: { enabled: false }, outbox: { max_attempts: 1 } }),
    publicUrl: 'https://logward.example',
    clock,
    geo: null,
    notifiers: { slack },
    log: () => undefined,
  });
  const app = express();
  app.use('/api', mod.router);
  return { mod, clock, slack, app };
}

describe('alerting API', () => {
  it('lists alerts with filters and shows one with enrichment and its delivery log', async () => {
    const { mod, app } = setup();
    mod.emit(signal({ severity: 'critical', group: { src_ip: '192.168.1.20' } }));
    mod.emit(signal({ severity: 'low', rule_id: 'other', host: 'db-1', group: { src_ip: '2001:db8::1' } }));
    await mod.flush();

    const all = await request(app).get('/api/alerts').expect(200);
    assert.equal(all.body.alerts.length, 2);
    const crit = await request(app).get('/api/alerts?severity=critical&state=firing').expect(200);
    assert.equal(crit.body.alerts.length, 1);
    assert.equal(crit.body.alerts[0].rule_id, 'ssh-bruteforce');
    assert.equal((await request(app).get('/api/alerts?host=db-1&rule=other&limit=5').expect(200)).body.alerts.length, 1);
    const bad = await request(app).get('/api/alerts?state=burning').expect(400);
    assert.match(bad.body.message, /state must be one of firing, silenced, acknowledged, resolved/);
    await request(app).get('/api/alerts?limit=0').expect(400);

    const id = crit.body.alerts[0].id as number;
    const one = await request(app).get(`/api/alerts/${id}`).expect(200);
    assert.deepEqual(one.body.enrichment, [{ ip: '192.168.1.20', scope: 'private', scope_label: 'private (RFC 1918)', key: 'group.src_ip' }]);
    assert.equal(one.body.notifications.length, 1);
    assert.equal(one.body.notifications[0].channel, 'slack');
    assert.equal(one.body.notifications[0].status, 'sent');
    assert.equal(one.body.url, `https://logward.example/alerts/${id}`);
    const record = validatorFor('alert-record.schema.json');
    for (const body of [one.body, ...all.body.alerts]) assert.ok(record(body), describeErrors(record.errors));
    const v6 = all.body.alerts.find((a: { rule_id: string }) => a.rule_id === 'other');
    assert.equal(v6.enrichment[0].scope, 'documentation');
    await request(app).get('/api/alerts/999').expect(404);
    await request(app).get('/api/alerts/abc').expect(400);
  });

  it('acknowledges with a validated body', async () => {
    const { mod, app } = setup();
    mod.emit(signal());
    const id = mod.listAlerts({ limit: 1 })[0]!.id;
    const missing = await request(app).post(`/api/alerts/${id}/ack`).send({}).expect(400);
    assert.match(missing.body.message, /missing "by"/);
    await request(app).post(`/api/alerts/${id}/ack`).set('content-type', 'application/json').send('{"by":').expect(400);
    const ok = await request(app).post(`/api/alerts/${id}/ack`).send({ by: 'dave', comment: 'on it' }).expect(200);
    assert.equal(ok.body.state, 'acknowledged');
    assert.equal(ok.body.ack_comment, 'on it');
    await request(app).post('/api/alerts/42/ack').send({ by: 'x' }).expect(404);
  });

  it('creates, lists and deletes silences; rejects invalid ones with a clear error', async () => {
    const { mod, clock, app } = setup();
    const ends = new Date(clock.now() + 3600_000).toISOString();
    const bad = await request(app).post('/api/silences').send({ matchers: [{ name: 'host', value: 'web-1' }], ends_at: ends }).expect(400);
    assert.match(bad.body.message, /missing "comment"/);
    const badRe = await request(app)
      .post('/api/silences')
      .send({ matchers: [{ name: 'host', value: '(web', is_regex: true }], ends_at: ends, comment: 'x', created_by: 'y' })
      .expect(400);
    assert.match(badRe.body.message, /invalid silence/);
    const redos = await request(app)
      .post('/api/silences')
      .send({ matchers: [{ name: 'user', value: '(a+)+$', is_regex: true }], ends_at: ends, comment: 'x', created_by: 'y' })
      .expect(400);
    assert.match(redos.body.message, /regex for user/);
    // Unbalanced: would close the anchoring group and smuggle in `(?:a+)+`.
    const breakout = await request(app)
      .post('/api/silences')
      .send({ matchers: [{ name: 'host', value: 'web-1' }, { name: 'user', value: 'a+)+(b', is_regex: true }], ends_at: ends, comment: 'x', created_by: 'y' })
      .expect(400);
    assert.match(breakout.body.message, /invalid silence/);
    const backwards = await request(app)
      .post('/api/silences')
      .send({ matchers: [{ name: 'host', value: 'web-1' }], starts_at: ends, ends_at: new Date(clock.now()).toISOString(), comment: 'x', created_by: 'y' })
      .expect(400);
    assert.match(backwards.body.message, /ends_at must be after starts_at/);
    await request(app).post('/api/silences').send({ matchers: [{ name: 'host', value: 'web-1', extra: 1 }], ends_at: ends, comment: 'x', created_by: 'y' }).expect(400);
    // Would silence every alert (Alertmanager refuses these too).
    for (const matchers of [[{ name: 'src_ip', value: '' }], [{ name: 'host', value: '.*', is_regex: true }], [{ name: 'hots', value: 'web-1', is_equal: false }]]) {
      const all = await request(app).post('/api/silences').send({ matchers, ends_at: ends, comment: 'x', created_by: 'y' }).expect(400);
      assert.match(all.body.message, /at least one matcher must not match the empty string/);
    }

    const created = await request(app)
      .post('/api/silences')
      .send({ matchers: [{ name: 'host', value: 'web-.*', is_regex: true }], ends_at: ends, comment: 'patching', created_by: 'erin' })
      .expect(201);
    assert.equal(created.body.status, 'active');
    mod.emit(signal());
    assert.equal((await request(app).get('/api/alerts?state=silenced').expect(200)).body.alerts.length, 1);
    assert.equal((await request(app).get('/api/silences').expect(200)).body.silences.length, 1);
    const deleted = await request(app).delete(`/api/silences/${created.body.id}`).expect(200);
    assert.equal(deleted.body.status, 'expired');
    assert.equal((await request(app).get('/api/silences').expect(200)).body.silences.length, 0);
    assert.equal((await request(app).get('/api/silences?all=1').expect(200)).body.silences.length, 1);
    assert.equal((await request(app).get('/api/alerts?state=firing').expect(200)).body.alerts.length, 1);
    await request(app).delete('/api/silences/77').expect(404);
    const later = await request(app)
      .post('/api/silences')
      .send({ matchers: [{ name: 'host', value: 'db-1' }], starts_at: ends, ends_at: new Date(Date.parse(ends) + 3600_000).toISOString(), comment: 'next window', created_by: 'erin' })
      .expect(201);
    assert.equal(later.body.status, 'pending');
    assert.equal((await request(app).delete(`/api/silences/${later.body.id}`).expect(200)).body.status, 'expired', 'a pending silence expired is expired');
  });

  it('shows failed outbox items and retries them', async () => {
    const { mod, slack, app } = setup();
    slack.fail = () => new DeliveryError('HTTP 404 no_service', false);
    mod.emit(signal({ severity: 'critical' }));
    await mod.flush();
    const failed = await request(app).get('/api/outbox?status=failed').expect(200);
    assert.equal(failed.body.items.length, 1);
    assert.equal(failed.body.items[0].last_error, 'HTTP 404 no_service');
    assert.equal(failed.body.items[0].payload, undefined, 'the rendered message is not exposed');
    await request(app).get('/api/outbox?status=lost').expect(400);
    slack.fail = undefined;
    await request(app).post(`/api/outbox/${failed.body.items[0].id}/retry`).expect(200);
    await mod.flush();
    assert.equal(slack.sent.length, 1);
    assert.equal((await request(app).get('/api/outbox?status=sent&channel=slack').expect(200)).body.items.length, 1);
    await request(app).post(`/api/outbox/${failed.body.items[0].id}/retry`).expect(404);
  });
});

describe('alerting metrics', () => {
  it('exposes plain numbers and prom-client gauges computed on scrape', async () => {
    const { Registry } = await import('prom-client');
    const registry = new Registry();
    const slack = new RecordingNotifier('slack');
    slack.fail = () => new DeliveryError('HTTP 400', false);
    const mod = createAlertingModule({
      db: memoryDb(),
      config: alertingConfig({ digest: { enabled: false } }),
      publicUrl: 'https://logward.example',
      clock: new ManualClock(),
      geo: null,
      notifiers: { slack },
      registry,
      log: () => undefined,
    });
    mod.emit(signal({ severity: 'critical' }));
    mod.emit(signal({ severity: 'low', rule_id: 'x' }));
    await mod.flush();
    const m = mod.collectMetrics();
    assert.equal(m.alerts.firing, 2);
    assert.equal(m.signals_total, 2);
    assert.equal(m.outbox.slack!.failed, 1);
    assert.equal(m.deliveries.slack!.failed, 1);
    const text = await registry.metrics();
    assert.match(text, /logward_alerts\{state="firing"\} 2/);
    assert.match(text, /logward_outbox_messages\{channel="slack",status="failed"\} 1/);
    assert.match(text, /logward_outbox_deliveries_total\{channel="slack",outcome="failed"\} 1/);
  });
});
