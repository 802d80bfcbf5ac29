/**
 * What the API does, over real HTTP against a real service on a temp SQLite store: event search
 * (newest first, every filter, cursor and skip pages, bounded pages), runtime rule overrides
 * (applied by the running engine, stored, applied again after a restart), the CSV export's
 * formula escaping, the one error shape, 405 and unknown parameters, the /api alias, tokens.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import type { DetectionModule } from '../../alert-service/src/detect/module.js';
import { csvCell } from '../../alert-service/src/alerting/api/csv.js';
import { FakeOllama } from '../helpers/fake-ollama.js';
import { startFakeSlack } from '../alerting/helpers.js';
import { startTestService } from '../helpers/service.js';
import { MAX_SCAN_ROWS } from '../../alert-service/src/store/event-rows.js';
import { bruteForceLines, eventually, ingestLines, INGEST_TOKEN, NOW, startHarness, syslogTime, type Harness } from './harness.js';

const API = '/api/v1';
const json = { 'Content-Type': 'application/json' };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const detect = (h: Harness) => h.t.service.modules.find((m) => m.name === 'detect') as DetectionModule;
/** Waits until detection has run `n` events in all. */
const detected = (h: Harness, n: number) => eventually(`detection of ${n} events`, () => detect(h).engine.metrics.events_total >= n);

test('events: newest first; host, source, severity, text, IP, user and time filters; cursor and skip pages; bounded pages', { timeout: 90_000 }, async () => {
  const h = await startHarness();
  try {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      const at = NOW - (40 - i) * 60_000;
      lines.push(
        i % 4 === 0
          ? `${syslogTime(at)} web1 sshd[${900 + i}]: Failed password for invalid user admin${i} from 203.0.113.${i} port 40${i} ssh2`
          : i % 4 === 1
            ? `${syslogTime(at)} web1 sshd[${900 + i}]: Accepted publickey for deploy from 10.1.0.${i} port 5022 ssh2`
            : `${syslogTime(at)} web1 CRON[${900 + i}]: (root) CMD (run-parts /etc/cron.hourly) job ${i}`,
      );
    }
    await ingestLines(h.base, 'web1', '/var/log/auth.log', 'auth', lines);
    await ingestLines(h.base, 'db1', '/var/log/syslog', 'syslog', [`${syslogTime(NOW - 30_000)} db1 kernel: Out of memory: Killed process 4242 (postgres)`]);
    const all = (await request(h.base).get(`${API}/events?limit=1000`).expect(200)).body.events as LogEvent[];
    assert.equal(all.length, 41);
    const ms = all.map((e) => Date.parse(e.time));
    assert.deepEqual(ms, [...ms].sort((a, b) => b - a), 'newest first');
    const ids = (q: string) => request(h.base).get(`${API}/events?${q}`).expect(200).then((r) => (r.body.events as LogEvent[]).map((e) => e.id));
    const expect = (pred: (e: LogEvent) => boolean) => all.filter(pred).map((e) => e.id);

    assert.deepEqual(await ids('host=db1'), expect((e) => e.host === 'db1'));
    assert.deepEqual(await ids('source=syslog'), expect((e) => e.source.kind === 'syslog'));
    assert.deepEqual(await ids('ip=203.0.113.8'), expect((e) => e.fields?.src_ip === '203.0.113.8'));
    assert.deepEqual(await ids('ip=10.1.0.0/16&limit=1000'), expect((e) => String(e.fields?.src_ip ?? '').startsWith('10.1.0.')));
    assert.equal((await ids('ip=10.1.0.0/16&limit=1000')).length, 10);
    assert.deepEqual(await ids('user=deploy&limit=1000'), expect((e) => e.fields?.user === 'deploy' || e.fields?.actor === 'deploy'));
    assert.deepEqual(await ids('text=OUT%20OF%20MEMORY'), expect((e) => /out of memory/i.test(e.message)));
    const sev = [...new Set(all.map((e) => e.severity))];
    assert.ok(sev.length >= 2, `severities ${sev.join(',')}`);
    assert.deepEqual(await ids(`severity=${sev[0]}&limit=1000`), expect((e) => e.severity === sev[0]));
    assert.deepEqual(await ids(`severity=${sev.join(',')}&limit=1000`), all.map((e) => e.id));
    const from = new Date(NOW - 20 * 60_000).toISOString();
    const to = new Date(NOW - 10 * 60_000).toISOString();
    assert.deepEqual(await ids(`from=${from}&to=${to}&limit=1000`), expect((e) => Date.parse(e.time) >= Date.parse(from) && Date.parse(e.time) < Date.parse(to)));
    assert.deepEqual(await ids(`host=web1&user=deploy&from=${from}&limit=1000`), expect((e) => e.host === 'web1' && e.fields?.user === 'deploy' && Date.parse(e.time) >= Date.parse(from)));

    // Cursor pages of 7 (filtered and not) cover the result exactly once, in order.
    for (const filter of ['', 'host=web1&', 'text=cron&']) {
      const seen: string[] = [];
      let after = '';
      for (let pages = 0; pages < 20; pages++) {
        const body = (await request(h.base).get(`${API}/events?${filter}limit=7${after ? `&after=${after}` : ''}`).expect(200)).body as { events: LogEvent[]; next?: string };
        seen.push(...body.events.map((e) => e.id));
        if (!body.next) break;
        after = body.next;
      }
      const want = filter === 'text=cron&' ? expect((e) => /cron/i.test(e.message)) : filter ? expect((e) => e.host === 'web1') : all.map((e) => e.id);
      assert.deepEqual(seen, want, filter || 'no filter');
    }
    // skip/limit pages, like the seeds' API.
    assert.deepEqual(await ids('skip=5&limit=10'), all.slice(5, 15).map((e) => e.id));
    assert.deepEqual(await ids('host=web1&text=cron&skip=3&limit=4'), expect((e) => e.host === 'web1' && /cron/i.test(e.message)).slice(3, 7));
    // An empty value is "not given" (what a form sends for a blank filter).
    assert.deepEqual(await ids('text=&host=&limit=1000'), all.map((e) => e.id));
    // Bounded, validated parameters.
    for (const q of ['limit=10001', 'limit=0', 'skip=10001', 'skip=-1', 'ip=not-an-ip', 'ip=10.0.0.0/99', 'severity=loud', 'from=yesterday', 'after=abc', 'host=a&host=b', `text=${'x'.repeat(201)}`, 'sort=asc']) {
      const r = await request(h.base).get(`${API}/events?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error, 'bad_request', q);
      assert.equal(typeof r.body.message, 'string', q);
    }
  } finally {
    await h.close();
  }
});

test('rules: PATCH changes the running engine at once, is stored, and applies again after a restart; DELETE override restores', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logward-api-rules-'));
  dirs.push(dir);
  const slack = await startFakeSlack();
  const ollama = await new FakeOllama().start();
  let h = await startHarness({}, { dir, slack, ollama });
  try {
    const alertsFrom = (ip: string) => h.alerting.listAlerts({ rule: 'ssh-brute-force', limit: 100 }).filter((a) => a.group.src_ip === ip);
    // Five failures: below the rule's threshold of 10, no alert.
    await ingestLines(h.base, 'web1', '/var/log/auth.log', 'auth', bruteForceLines('203.0.113.1').slice(0, 5));
    await detected(h, 5);
    assert.equal(alertsFrom('203.0.113.1').length, 0);
    // Needs the write token's rights: here no token is configured, so loopback may write; a body is validated.
    await request(h.base).patch(`${API}/rules/ssh-brute-force`).set(json).send({ threshold: 0 }).expect(400);
    await request(h.base).patch(`${API}/rules/ssh-brute-force`).set(json).send({}).expect(400);
    const patched = await request(h.base).patch(`${API}/rules/ssh-brute-force`).set(json).send({ threshold: 4, window_s: 120, severity: 'critical' }).expect(200);
    assert.equal(patched.body.fire.threshold, 4);
    assert.equal(patched.body.fire.window_s, 120);
    assert.equal(patched.body.severity, 'critical');
    assert.deepEqual(patched.body.runtime_override, { threshold: 4, window_s: 120, severity: 'critical' });
    await ingestLines(h.base, 'web1', '/var/log/auth.log', 'auth', bruteForceLines('203.0.113.2', NOW - 40_000).slice(0, 5));
    const fired = await eventually('an alert at the new threshold', () => alertsFrom('203.0.113.2')[0]);
    assert.equal(fired.severity, 'critical');

    // Restart on the same database: the override is applied again.
    await h.close();
    h = await startHarness({}, { dir, slack, ollama });
    const again = await request(h.base).get(`${API}/rules/ssh-brute-force`).expect(200);
    assert.equal(again.body.fire.threshold, 4);
    assert.deepEqual(again.body.runtime_override, { threshold: 4, window_s: 120, severity: 'critical' });
    await ingestLines(h.base, 'web1', '/var/log/auth.log', 'auth', bruteForceLines('203.0.113.3', NOW - 30_000).slice(0, 5));
    await eventually('an alert at the stored threshold after the restart', () => alertsFrom('203.0.113.3')[0]);

    // Disabled: nothing matches; null removes one key and keeps the others.
    const off = await request(h.base).patch(`${API}/rules/ssh-brute-force`).set(json).send({ enabled: false, severity: null }).expect(200);
    assert.equal(off.body.enabled, false);
    assert.equal(off.body.severity, 'high');
    assert.deepEqual(off.body.runtime_override, { threshold: 4, window_s: 120, enabled: false });
    const before = detect(h).engine.metrics.events_total;
    await ingestLines(h.base, 'web1', '/var/log/auth.log', 'auth', bruteForceLines('203.0.113.4', NOW - 20_000));
    await detected(h, before + 12);
    assert.equal(alertsFrom('203.0.113.4').length, 0);
    const status = await request(h.base).get(`${API}/status`).expect(200);
    assert.equal(status.body.rules.disabled_at_runtime, 1);

    // Back to the configured rule.
    const reset = await request(h.base).delete(`${API}/rules/ssh-brute-force/override`).set(json).send('{}').expect(200);
    assert.equal(reset.body.fire.threshold, 10);
    assert.equal(reset.body.enabled, true);
    assert.equal(reset.body.runtime_override, null);
    await h.close();
    h = await startHarness({}, { dir, slack, ollama });
    assert.equal((await request(h.base).get(`${API}/rules/ssh-brute-force`).expect(200)).body.runtime_override, null);

    // The rule test runs the rule on posted lines with nothing stored or sent.
    const events = (await request(h.base).get(`${API}/status`).expect(200)).body.store.events as number;
    const tested = await request(h.base).post(`${API}/rules/ssh-brute-force/test`).set(json).send({ lines: bruteForceLines('192.0.2.50'), kind: 'auth' }).expect(200);
    assert.equal(tested.body.rules[0].matched, 12);
    assert.equal(tested.body.rules[0].alerts.length, 1);
    assert.equal(tested.body.input.file, '(posted lines)');
    assert.doesNotMatch(tested.body.text, /logward-rule-test-/);
    assert.equal((await request(h.base).get(`${API}/status`).expect(200)).body.store.events, events);
    const tooMany = await request(h.base).post(`${API}/rules/ssh-brute-force/test`).set(json).send({ lines: Array.from({ length: 10_001 }, () => 'x') }).expect(400);
    assert.match(tooMany.body.message, /lines/);
  } finally {
    await h.close();
    await slack.close();
    await ollama.close();
  }
});

test('CSV export: cells a spreadsheet would run as formulas are quoted and prefixed', async () => {
  for (const bad of ['=HYPERLINK("http://evil","x")', '+1+cmd|calc', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) {
    const cell = csvCell(bad);
    assert.ok(cell.startsWith(`"'`), `${JSON.stringify(bad)} → ${cell}`);
    assert.equal(cell, `"'${bad.replace(/"/g, '""')}"`);
  }
  assert.equal(csvCell('plain text'), 'plain text');
  assert.equal(csvCell('a,b "c"\nd'), '"a,b ""c""\nd"');
  assert.equal(csvCell(42), '42');

  const h = await startHarness();
  try {
    h.alerting.emit({
      rule_id: 'csv-probe',
      title: '=cmd|"/c calc"!A0',
      severity: 'low',
      source: 'rule',
      host: 'web1',
      group: { user: '@evil' },
      first_seen: new Date(NOW - 60_000).toISOString(),
      last_seen: new Date(NOW - 30_000).toISOString(),
      count: 3,
      summary: '-1+1 attacker-controlled summary',
      fields: {},
      samples: ['=1+1'],
    });
    const res = await request(h.base).get(`${API}/alerts/export?format=csv&rule=csv-probe`).expect(200);
    assert.match(res.headers['content-type']!, /^text\/csv/);
    const [header, row] = res.text.split('\r\n');
    assert.equal(header, 'id,rule_id,title,severity,state,source,host,group,count,first_seen,last_seen,summary,acknowledged_by,url');
    assert.ok(row!.includes(`,"'=cmd|""/c calc""!A0",`), row);
    assert.ok(row!.includes(`,"'-1+1 attacker-controlled summary",`), row);
    assert.ok(row!.includes(`,user=@evil,`), row); // "user=..." does not start a formula
    const exported = await request(h.base).get(`${API}/alerts/export?rule=csv-probe`).expect(200);
    assert.match(exported.headers['content-disposition']!, /filename="alerts.json"/);
    assert.equal(exported.body.alerts[0].title, '=cmd|"/c calc"!A0'); // JSON carries the text as it is
  } finally {
    await h.close();
  }
});

test('one error shape, 405 with Allow, unknown parameters refused, the /api alias, tokens', { timeout: 60_000 }, async () => {
  const h = await startHarness({ api_read_token: 'read-token-0123456789', api_write_token: 'write-token-0123456789' });
  const R = { Authorization: 'Bearer read-token-0123456789' };
  const W = { Authorization: 'Bearer write-token-0123456789' };
  try {
    const shape = (r: request.Response, status: number, code: string) => {
      assert.equal(r.status, status, r.text);
      assert.equal(r.body.error, code, r.text);
      assert.equal(typeof r.body.message, 'string');
      assert.match(r.headers['content-type']!, /^application\/json/);
    };
    shape(await request(h.base).get(`${API}/events`), 401, 'unauthorized');
    shape(await request(h.base).patch(`${API}/rules/ssh-brute-force`).set(R).set(json).send({ enabled: false }), 403, 'forbidden');
    shape(await request(h.base).get(`${API}/nothing-here`).set(R), 404, 'not_found');
    shape(await request(h.base).get(`${API}/alerts/12345`).set(R), 404, 'not_found');
    shape(await request(h.base).get(`${API}/rules/nope`).set(R), 404, 'not_found');
    const wrong = await request(h.base).put(`${API}/silences`).set(W).set(json).send('{}');
    shape(wrong, 405, 'method_not_allowed');
    assert.equal(wrong.headers.allow, 'GET, HEAD, POST');
    shape(await request(h.base).post(`${API}/events`).set(W).set(json).send('{}'), 405, 'method_not_allowed');
    shape(await request(h.base).get(`${API}/alerts?colour=red`).set(R), 400, 'bad_request');
    shape(await request(h.base).get(`${API}/status?verbose=1`).set(R), 400, 'bad_request');
    shape(await request(h.base).get(`${API}/alerts?limit=1001`).set(R), 400, 'bad_request');
    shape(await request(h.base).get(`${API}/alerts/0`).set(R), 400, 'bad_request');
    shape(await request(h.base).post(`${API}/silences`).set(W).set('Content-Type', 'text/plain').send('{}'), 415, 'unsupported_media_type');
    shape(await request(h.base).post(`${API}/silences`).set(W).set(json).send('{"matchers":'), 400, 'bad_request');
    shape(await request(h.base).post(`${API}/silences`).set(W).set(json).send(JSON.stringify({ comment: 'x'.repeat(300_000) })), 413, 'payload_too_large');
    shape(await request(h.base).post(`${API}/llm/review`).set(W).set(json).send('{"now":true}'), 400, 'bad_request');
    shape(await request(h.base).post(`${API}/anomaly/train`).set(W).set(json).send('{}'), 409, 'not_enough_history');

    // /api/... is the same router as /api/v1/...
    await ingestLines(h.base, 'web1', '/var/log/auth.log', 'auth', bruteForceLines());
    await eventually('the alert', () => h.alerting.listAlerts({ limit: 1 })[0]);
    for (const p of ['/alerts', '/events?limit=3', '/rules/ssh-brute-force', '/silences']) {
      const v1 = await request(h.base).get(`${API}${p}`).set(R).expect(200);
      const old = await request(h.base).get(`/api${p}`).set(R).expect(200);
      assert.deepEqual(old.body, v1.body, p);
    }
    shape(await request(h.base).get('/api/alerts?colour=red').set(R), 400, 'bad_request');
    // The document is served behind the read token, never cached, naming /api/v1 as its base.
    const docRes = await request(h.base).get(`${API}/openapi.json`).set(R).expect(200);
    assert.equal(docRes.body.servers[0].url, '/api/v1');
    assert.equal(docRes.headers['cache-control'], 'no-store');
  } finally {
    await h.close();
  }
});

test('a body filter, or host with a source kind, reads a bounded number of rows per page: a rare match comes as short pages with next, none lost', { timeout: 120_000 }, async () => {
  const t = await startTestService({ ingest: { tokens: [INGEST_TOKEN] }, rules: { enabled: false }, anomaly: { enabled: false }, alerting: { enabled: false } } as never, { log: () => {} });
  try {
    const base = `http://127.0.0.1:${await t.service.listen()}`;
    await ingestLines(base, 'db1', '/var/log/syslog', 'syslog', [`${syslogTime(NOW - 24 * 3_600_000)} db1 kernel: Out of memory: Killed process 4242 (postgres)`]);
    await ingestLines(base, 'db1', '/var/log/auth.log', 'auth', [`${syslogTime(NOW - 25 * 3_600_000)} db1 sudo: pam_unix(sudo:session): session opened for user root`]);
    await ingestLines(base, 'db1', '/var/log/syslog', 'syslog', [`${syslogTime(NOW - 3_600_000)} db1 CRON[77]: (root) CMD (run-parts /etc/cron.hourly)`]);
    // 120,000 more copies of the cron line, all newer than the kernel line (direct inserts of its stored row).
    const db = t.service.db;
    const row = db.prepare('SELECT host_id, kind_id, stream_id, program_id, body, time_ms FROM events ORDER BY seq DESC LIMIT 1').get() as Record<string, unknown>;
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120000)
      INSERT INTO events (key, time_ms, host_id, kind_id, stream_id, program_id, body) SELECT randomblob(16), ? + i, ?, ?, ?, ?, ? FROM n`).run(row.time_ms, row.host_id, row.kind_id, row.stream_id, row.program_id, row.body);
    const pages: number[] = [];
    const found: LogEvent[] = [];
    let after = '';
    for (let i = 0; i < 10; i++) {
      const body = (await request(base).get(`${API}/events?text=out%20of%20memory${after ? `&after=${after}` : ''}`).expect(200)).body as { events: LogEvent[]; next?: string };
      pages.push(body.events.length);
      found.push(...body.events);
      if (!body.next) break;
      after = body.next;
    }
    // Each page stops after MAX_SCAN_ROWS rows without a match; the last one reaches the kernel line.
    assert.deepEqual(pages, [...Array<number>(Math.floor(120_001 / MAX_SCAN_ROWS)).fill(0), 1]);
    assert.match(found[0]!.message, /Out of memory/);

    // No index has host and kind together: the kind is tested on the host's range, with the same
    // budget (before, one statement read the host's whole range: 10 s on a 10 M-event store).
    const kindPages: number[] = [];
    const kindFound: LogEvent[] = [];
    after = '';
    for (let i = 0; i < 10; i++) {
      const body = (await request(base).get(`${API}/events?host=db1&source=auth${after ? `&after=${after}` : ''}`).expect(200)).body as { events: LogEvent[]; next?: string };
      kindPages.push(body.events.length);
      kindFound.push(...body.events);
      if (!body.next) break;
      after = body.next;
    }
    assert.deepEqual(kindPages, [...Array<number>(Math.floor(120_002 / MAX_SCAN_ROWS)).fill(0), 1]);
    assert.match(kindFound[0]!.message, /session opened/);
    assert.equal(kindFound[0]!.source.kind, 'auth');
    // A full page of a kind the host does write is still one read.
    const cron = (await request(base).get(`${API}/events?host=db1&source=syslog&limit=5`).expect(200)).body as { events: LogEvent[]; next?: string };
    assert.equal(cron.events.length, 5);
    assert.ok(cron.next);
  } finally {
    await t.close();
  }
});
