/**
 * systemd journal entries (test/fixtures/journald: real sshd, sudo and su entries, in the shape
 * Fluent Bit's systemd input sends them) through a real service to an SSH brute-force alert, and
 * normalized exactly like the same lines read from /var/log/auth.log in every field rules read.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { FIXTURES, postRaw, startTestService, type TestService } from '../helpers/service.js';
import { replayHeaders } from '../helpers/captures.js';
import { assertValidEvent, cfg, ingestOne } from './helpers.js';
import { classifyRecord, normalizeRecord } from '../../alert-service/src/normalize/index.js';
import { eventId } from '../../alert-service/src/normalize/event-id.js';
import { processRecords } from '../../alert-service/src/ingest/records.js';
import type { AlertingModule } from '../../alert-service/src/alerting/index.js';

const DIR = join(FIXTURES, 'journald');
const request = {
  headers: (JSON.parse(readFileSync(join(DIR, 'request.headers.json'), 'utf8')) as { headers: Record<string, string> }).headers,
  body: readFileSync(join(DIR, 'request.body')),
};
const TOKEN = request.headers.Authorization!.replace(/^Bearer /, '');
type Rec = Record<string, unknown>;
const records = () => JSON.parse(gunzipSync(request.body).toString('utf8')) as Rec[];
const TAG = request.headers['X-Fluent-Tag'];

class TestClock {
  constructor(public t: number) {}
  now = () => this.t;
}

let t: TestService;
let base: string;
before(async () => {
  t = await startTestService({ ingest: { tokens: [TOKEN] }, alerting: { geoip: { enabled: false } } as never }, { clock: new TestClock(Date.parse('2026-12-01T09:46:00Z')) });
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
after(() => t.close());

test('journald records posted as Fluent Bit sends them (gzip JSON over HTTP) raise the SSH brute-force alert', async () => {
  const res = await postRaw(base, '/v1/ingest', replayHeaders(request.headers), request.body);
  assert.equal(res.status, 204, res.text);
  await t.service.pump.notify();
  const alerting = t.service.modules.find((m) => m.name === 'alerting') as AlertingModule;
  const alerts = alerting.listAlerts({ rule: 'ssh-brute-force', limit: 10 });
  assert.equal(alerts.length, 1, JSON.stringify(alerts));
  assert.deepEqual(alerts[0]!.group, { src_ip: '203.0.113.7' });
  assert.equal(t.service.store.deadLetters(100).length, 0, JSON.stringify(t.service.store.deadLetters(5)));

  const events = t.service.store.query({ limit: 1000 });
  // 73 entries, 2 of them whitespace-only (skipped and counted, not stored).
  assert.equal(events.length, 71);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /logward_ingest_records_total\{outcome="blank"\} 2\b/);

  // The same chunk again (a Fluent Bit retry): nothing new.
  assert.equal((await postRaw(base, '/v1/ingest', replayHeaders(request.headers), request.body)).status, 204);
  assert.equal(t.service.store.query({ limit: 1000 }).length, 71);
});

/** "Dec  1 09:43:44 vm sshd[20242]: Failed password ..." → the raw tail record the Linux agent would send for it. */
function authLogRecords(): Array<{ line: string; rec: Rec }> {
  return readFileSync(join(DIR, 'auth.log'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((line, i) => ({ line, rec: { fb_time: '2026-12-01T09:45:00.000000Z', file: '/var/log/auth.log', offset: i * 100, inode: 4242, log: line, hostname: 'vm', source_kind: 'auth' } }));
}

const RULE_FIELDS = (e: LogEvent) => ({
  host: e.host,
  kind: e.source.kind,
  program: e.program,
  pid: e.pid,
  message: e.message,
  src_ip: e.fields.src_ip,
  user: e.fields.user,
  actor: e.fields.actor,
  second: Math.floor(Date.parse(e.time) / 1000),
});

test('each journald sshd/sudo/su event equals the auth.log event for the same line in every field rules read', () => {
  const journal = records().filter((r) => r.SYSLOG_FACILITY === '4' || r.SYSLOG_FACILITY === '10');
  const lines = authLogRecords();
  assert.equal(lines.length, journal.length);
  let withIp = 0;
  let withUser = 0;
  for (let i = 0; i < lines.length; i++) {
    const fromFile = ingestOne(lines[i]!.rec, 'auth.var.log.auth.log');
    const fromJournal = ingestOne(journal[i]!, TAG);
    assert.deepEqual(RULE_FIELDS(fromJournal), RULE_FIELDS(fromFile), lines[i]!.line);
    assert.equal(fromJournal.source.origin, 'journald');
    assert.equal(fromFile.source.origin, undefined);
    if (fromJournal.fields.src_ip) withIp++;
    if (fromJournal.fields.user) withUser++;
  }
  // The fixture exercises the fields: failed/accepted passwords, invalid users, sudo, su.
  assert.ok(withIp >= 20, `${withIp} events with src_ip`);
  assert.ok(withUser >= 20, `${withUser} events with user`);
  const programs = new Set(journal.map((r) => r.SYSLOG_IDENTIFIER));
  assert.deepEqual([...programs].sort(), ['sshd', 'su', 'sudo']);
});

const find = (pred: (r: Rec) => boolean) => {
  const r = records().find(pred);
  assert.ok(r, 'fixture entry');
  return r;
};

test('journald mapping: time from the journal, severity from PRIORITY, program, pid, host, kind by facility/program', () => {
  const sudo = find((r) => String(r.MESSAGE).includes('user NOT in sudoers'));
  const ev = ingestOne(sudo, TAG);
  assert.equal(ev.time, new Date(Math.floor(Date.parse(String(sudo.fb_time)))).toISOString());
  assert.equal(ev.time_source, 'line');
  assert.equal(ev.severity, 'alert', 'PRIORITY 1');
  assert.equal(ev.program, 'sudo');
  assert.equal(ev.pid, Number(sudo._PID));
  assert.equal(ev.host, 'vm');
  assert.equal(ev.agent_host, 'vm');
  assert.equal(ev.source.kind, 'auth', 'authpriv');
  assert.equal(ev.message.startsWith('deploy : user NOT in sudoers'), true, 'leading blanks dropped as in the file parser');
  assert.equal(ev.fields.actor, 'deploy');

  // An sshd entry logged under another facility is still auth; a user program is syslog.
  const sshd = { ...find((r) => String(r.MESSAGE).startsWith('Failed password for root')), SYSLOG_FACILITY: '16' };
  assert.equal(ingestOne(sshd, TAG).source.kind, 'auth');
  const latin1 = ingestOne(find((r) => r.SYSLOG_IDENTIFIER === 'latin1-app'), TAG);
  assert.equal(latin1.source.kind, 'syslog');
  assert.equal(latin1.message, 'caf\uFFFD au lait', 'the invalid byte is kept as U+FFFD');
  assert.equal(latin1.severity, 'notice', 'PRIORITY 5');

  // No SYSLOG_IDENTIFIER: the program is _COMM; no _PID: SYSLOG_PID.
  const bare = { ...sudo, SYSLOG_IDENTIFIER: undefined, _PID: undefined, SYSLOG_PID: '777' };
  const e2 = ingestOne(JSON.parse(JSON.stringify(bare)) as Rec, TAG);
  assert.equal(e2.program, 'sudo');
  assert.equal(e2.pid, 777);

  // The unit is kept (on a systemd host sshd runs as ssh.service; this fixture's host had no PID 1 systemd).
  assert.equal(ev.source.unit, undefined);
  assert.equal(ingestOne({ ...sudo, _SYSTEMD_UNIT: 'ssh.service' }, 'journal.ssh.service').source.unit, 'ssh.service');

    // __REALTIME_TIMESTAMP (journalctl -o json) wins over the record timestamp.
  const e3 = ingestOne({ ...sudo, __REALTIME_TIMESTAMP: '1796118000123456' }, TAG);
  assert.equal(e3.time, '2026-12-01T09:40:00.123Z');
});

test('a Python traceback a service writes to stdout (PRIORITY 6 by default) is severity error', () => {
  const lines = records().filter((r) => r.SYSLOG_IDENTIFIER === 'worker');
  assert.equal(lines.length, 4);
  for (const r of lines) {
    assert.equal(r._TRANSPORT, 'stdout');
    assert.equal(r.PRIORITY, '6');
    assert.equal(ingestOne(r, TAG).severity, 'error', String(r.MESSAGE));
  }
});

test('journald ids: the cursor when there is one, else the entry; a re-read is the same id, another entry is not', () => {
  const ids = new Set(records().map((r) => ingestOne(r, TAG).id));
  assert.equal(ids.size, records().length, 'every entry its own id');
  // Fluent Bit re-reads an entry after a restart: same fields (any key order), same timestamp.
  const r = find((x) => String(x.MESSAGE).startsWith('Accepted password'));
  const reordered = Object.fromEntries(Object.entries(r).reverse());
  assert.equal(ingestOne(reordered, TAG).id, ingestOne(r, TAG).id);
  // A different entry of the same process in the same microsecond with the same text is the only merge left; another pid is not.
  assert.notEqual(ingestOne({ ...r, _PID: '1' }, TAG).id, ingestOne(r, TAG).id);
  // journalctl -o json carries __CURSOR: that is the id.
  const lines = readFileSync(join(DIR, 'journalctl.json'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);
  let checked = 0;
  for (const j of lines) {
    assert.equal(classifyRecord(j), 'journald');
    const ev = ingestOne(j, 'journal.unknown');
    assert.equal(ev.id, eventId('journald-cursor', String(j.__CURSOR)));
    // The Latin-1 entry: journalctl writes data that is not UTF-8 as an array of byte values.
    if (Array.isArray(j.MESSAGE)) assert.equal(ev.message, 'caf\uFFFD au lait');
    checked++;
  }
  assert.equal(checked, lines.length);
  assert.ok(lines.some((j) => Array.isArray(j.MESSAGE)));
});

test('blank journal entries are counted, not stored or dead-lettered; a repeated field (array) is read', () => {
  const out = processRecords(records(), { receivedAt: new Date(), dateKeys: ['fb_time'], normalize: cfg() });
  assert.equal(out.blank, 2);
  assert.equal(out.deadLetters.length, 0);
  assert.equal(out.events.length, 71);
  const twice = { ...find((r) => r.SYSLOG_IDENTIFIER === 'sudo'), MESSAGE: ['first', 'second'] };
  const ev = normalizeRecord(twice, 'journald', { receivedAt: new Date() }, cfg());
  assertValidEvent(ev);
  assert.equal(ev.message, 'first');
  // A record without MESSAGE is refused by the schema with that reason.
  const bad = processRecords([{ _HOSTNAME: 'vm', _BOOT_ID: 'x', PRIORITY: '6' }], { receivedAt: new Date(), dateKeys: [], normalize: cfg() });
  assert.match(bad.deadLetters[0]!.reason, /journald.*MESSAGE/);
});

test('a gzip body of journal records built here, posted twice, stores each entry once', async () => {
  const recs = records().slice(0, 5).map((r) => ({ ...r, _HOSTNAME: 'db7', hostname: 'db7' }));
  const headers = { ...replayHeaders(request.headers) };
  for (let i = 0; i < 2; i++) assert.equal((await postRaw(base, '/v1/ingest', headers, gzipSync(JSON.stringify(recs)))).status, 204);
  assert.equal(t.service.store.query({ limit: 1000 }).filter((e) => e.host === 'db7').length, 5);
});
