/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) against a running
 * service: real SQLite in a temp dir, data posted through /v1/ingest, API tokens required, a
 * local Slack webhook and a local Ollama-speaking server for the LLM summary. Pages load, charts
 * draw, filters narrow through the API's own filters (the page's requests are checked, and its
 * rows against the API's answer), acknowledge and silence change the alerts (checked through the
 * API), every API call is one the OpenAPI document declares, and attacker-written text (HTML,
 * <script>, mrkdwn) renders as inert text. Screenshots go to test/.screenshots/ (git-ignored).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../helpers/service.js';
import { FakeOllama } from '../helpers/fake-ollama.js';
import { startFakeSlack, type FakeSlack } from '../alerting/helpers.js';
import type { AlertingModule } from '../../alert-service/src/alerting/index.js';
import type { LlmModule } from '../../alert-service/src/llm/index.js';
import type { AlertRecord, LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { buildDashboard } from '../../alert-service/scripts/build-dashboard.js';
import { chromiumMissing, inkedPixels, launch, type Browser, type PageGlobals } from './browser.js';
import { BRUTE_IP, HOSTILE, INGEST_TOKEN, NOW, seed, SILENCE_IP, SPIKE_HOUR } from './data.js';

const skip = chromiumMissing();
if (skip) console.error(`# dashboard browser tests skipped: ${skip}`);

const READ_TOKEN = 'dashboard-read-token-0123456789';
const WRITE_TOKEN = 'dashboard-write-token-0123456789';

class TestClock {
  constructor(public t: number) {}
  now = () => this.t;
}

let t: TestService;
let base: string;
let slack: FakeSlack;
let ollama: FakeOllama;
let b: Browser;

async function apiGet<T>(path: string, tokenValue = READ_TOKEN): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, { headers: { Authorization: `Bearer ${tokenValue}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as T;
}
async function apiPost(path: string, body: unknown): Promise<Response> {
  return fetch(`${base}/api/v1${path}`, { method: 'POST', headers: { Authorization: `Bearer ${WRITE_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}
const alertsOf = async (q = '') => (await apiGet<{ alerts: AlertRecord[] }>(`/alerts?limit=1000${q}`)).alerts;
async function bruteForce(ip: string): Promise<AlertRecord> {
  const found = (await alertsOf('&rule=ssh-brute-force')).filter((a) => a.group.src_ip === ip);
  assert.equal(found.length, 1, `one ssh-brute-force alert for ${ip}`);
  return found[0]!;
}

/** The API requests the page made while `run` ran, as URLs. */
async function apiCalls(run: () => Promise<unknown>): Promise<URL[]> {
  const start = b.requests.length;
  await run();
  return b.requests
    .slice(start)
    .map((u) => new URL(u))
    .filter((u) => u.pathname.startsWith('/api/'));
}

/** The model's answer is untrusted text too: it carries markup that must stay text. */
const MODEL_ANSWER = JSON.stringify({
  summary: `Twelve SSH logins failed from ${BRUTE_IP} in 24 seconds, user names like ${HOSTILE.img}: an automated brute force.`,
  assessed_severity: 'high',
  next_steps: ['Check for an Accepted password line from the address', 'Block it at the firewall'],
});

before(async () => {
  if (skip) return;
  await buildDashboard();
  slack = await startFakeSlack();
  ollama = await new FakeOllama().start();
  ollama.behaviour = { kind: 'answer', content: MODEL_ANSWER };
  t = await startTestService(
    {
      ingest: { tokens: [INGEST_TOKEN] },
      server: { api_read_token: READ_TOKEN, api_write_token: WRITE_TOKEN },
      alerting: { channels: { slack: { enabled: true, webhook_url: slack.url, rate_limit: { burst: 50, per_minute: 50 } } } } as never,
      llm: { enabled: true, host: ollama.url, poll_interval_s: 3600, health_interval_s: 3600, review_interval_s: 0 },
    },
    { clock: new TestClock(NOW) },
  );
  base = `http://127.0.0.1:${await t.service.listen()}`;
  await seed(base);
  await t.service.pump.notify();
  // Day one: the stored hours become history, and a model is trained on them.
  assert.equal((await apiPost('/anomaly/rebuild', { days: 4 })).status, 200);
  const train = await apiPost('/anomaly/train', { days: 4 });
  assert.equal(train.status, 200, await train.clone().text());
  const alerting = t.service.modules.find((m) => m.name === 'alerting') as AlertingModule;
  await alerting.geoReady();
  await alerting.flush();
  await (t.service.modules.find((m) => m.name === 'llm') as LlmModule).runOnce();
  b = await launch();
});

after(async () => {
  if (skip) return;
  await b?.close();
  await t?.close();
  await slack?.close();
  await ollama?.close();
});

test('dashboard pages answer index.html under a closed CSP; the API and unknown paths do not change', { skip }, async () => {
  for (const path of ['/', '/alerts', '/alerts/1', '/events']) {
    const res = await fetch(base + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(await res.text(), /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
  }
  assert.equal((await fetch(`${base}/api/v1/alerts`)).status, 401, 'the API still wants its token');
  assert.equal((await fetch(`${base}/nope`)).status, 404);
  assert.equal((await fetch(`${base}/alerts/1/extra`)).status, 404);
});

test('without a token the dashboard says what to do; with one the overview draws its charts', { skip }, async () => {
  const { page } = b;
  await page.goto(`${base}/`);
  await page.locator('#notice', { hasText: 'needs a token' }).waitFor();
  await page.locator('#alerts-by-rule p.error', { hasText: 'Loading alerts failed: missing or wrong Bearer token' }).waitFor();
  assert.equal(await page.locator('#alerts-by-rule h2').textContent(), 'Alerts by rule over time', 'the section keeps its title');
  await b.screenshot('no-token');
  await page.fill('#token-form input[name=token]', WRITE_TOKEN);
  await Promise.all([page.waitForEvent('load'), page.click('#token-form button[type=submit]')]);
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('logward.api_token')), WRITE_TOKEN);
  assert.ok(!page.url().includes(WRITE_TOKEN), 'the token is never in a URL');

  await page.locator('#chart-alerts-by-rule').waitFor();
  await page.locator('canvas.host-chart').first().waitFor();
  assert.ok((await inkedPixels(page, '#chart-alerts-by-rule')) > 2000, 'the alerts-by-rule chart drew bars');
  const hostCharts = await page.locator('canvas.host-chart').count();
  assert.equal(hostCharts, 2, 'one chart per host with hourly summaries (web1, db1)');
  for (let i = 0; i < hostCharts; i++) assert.ok((await inkedPixels(page, `#hosts .chart:nth-child(${i + 1}) canvas`)) > 2000);

  // The spike hour is anomalous per the API, and marked on web1's chart.
  const detect = await apiGet<{ hours: Array<{ host: string; hour: string; is_anomaly: boolean | null }> }>('/anomaly/detect?hours=48&host=web1');
  assert.ok(detect.hours.some((h) => h.is_anomaly && Date.parse(h.hour) === SPIKE_HOUR), 'the error spike hour is anomalous');
  await page.locator('#hosts .chart h3', { hasText: 'web1' }).locator('.badge', { hasText: 'anomalous hour' }).waitFor();

  // Top source IPs with country and ASN from the local GeoLite2/ASN data.
  const ipRow = page.locator('#top-ips tbody tr', { hasText: BRUTE_IP });
  await ipRow.waitFor();
  const cells = await ipRow.locator('td').allTextContents();
  assert.equal(cells[0], BRUTE_IP);
  assert.equal(cells[5], 'US');
  assert.equal(cells[7], '15169');

  // Error templates of a chosen hour.
  await page.selectOption('#template-form select[name=host]', 'web1');
  await page.fill('#template-form input[name=hour]', new Date(SPIKE_HOUR).toISOString().slice(0, 16));
  await page.click('#template-form button[type=submit]');
  const row = page.locator('#templates tbody tr').first();
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /^150.*upstream timed out while reading response header from upstream, client: <IP>$/);
  await b.screenshot('overview');
});

test('filters narrow the alert list, as the API does', { skip }, async () => {
  const { page } = b;
  const all = await alertsOf();
  const rows = page.locator('#alert-results table tbody tr');
  await page.goto(`${base}/alerts`);
  await page.locator('#alert-count', { hasText: `${all.length} alerts` }).waitFor();
  assert.equal(await rows.count(), all.length);
  assert.ok(new Set(all.map((a) => a.rule_id)).size >= 3, `the data fires several rules: ${JSON.stringify(all.map((a) => [a.rule_id, a.severity, a.host, a.state]))}`);
  await b.screenshot('alerts');

  const submit = async (fill: Record<string, string>) => {
    for (const [name, value] of Object.entries(fill)) {
      const sel = `#alert-filters [name=${name}]`;
      if ((await page.locator(sel).evaluate((e) => e.tagName)) === 'SELECT') await page.selectOption(sel, value);
      else await page.fill(sel, value);
    }
    await page.click('#alert-filters button[type=submit]');
    await page.locator('#alert-count', { hasNotText: 'Loading' }).waitFor();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('#alert-results')?.textContent !== 'Loading…');
  };

  const high = all.filter((a) => a.severity === 'high');
  assert.ok(high.length > 0 && high.length < all.length, JSON.stringify(all.map((a) => [a.rule_id, a.severity, a.host, a.state])));
  await submit({ severity: 'high' });
  assert.equal(await rows.count(), high.length);
  assert.deepEqual(new Set(await page.locator('#alert-results tbody tr td:nth-child(2)').allTextContents()), new Set(['high']));
  assert.match(page.url(), /\?severity=high$/);

  await submit({ severity: '', rule: 'ssh-brute-force' });
  assert.equal(await rows.count(), 3);
  // A host with some of the alerts (the captures come from several hosts).
  const host = 'db1';
  assert.ok(all.some((a) => a.host === host) && all.some((a) => a.host !== host));
  await submit({ rule: '', host });
  assert.equal(await rows.count(), all.filter((a) => a.host === host).length);
  assert.deepEqual(new Set(await page.locator('#alert-results tbody tr td:nth-child(6)').allTextContents()), new Set([host]));
  await submit({ host: '', state: 'firing' });
  assert.equal(await rows.count(), all.filter((a) => a.state === 'firing').length);

  // Time: only alerts whose events overlap the range (the brute forces are at 10:00-10:02 UTC).
  await submit({ state: '', rule: 'ssh-brute-force', from: '2026-11-21T10:03' });
  assert.equal(await rows.count(), 0);
  const calls = await apiCalls(() => submit({ from: '2026-11-21T09:59', to: '2026-11-21T10:01' }));
  assert.deepEqual(await page.locator('#alert-results tbody tr td:nth-child(4)').allTextContents(), ['ssh-brute-force']);
  // The time range is the API's filter, not the browser's.
  const q = calls.find((u) => u.pathname === '/api/v1/alerts')?.searchParams;
  assert.ok(q, calls.join(' '));
  assert.deepEqual(Object.fromEntries(q), { rule: 'ssh-brute-force', from: '2026-11-21T09:59:00.000Z', to: '2026-11-21T10:01:00.000Z', limit: '1000' });
  assert.equal((await apiGet<{ alerts: AlertRecord[] }>(`/alerts?${q}`)).alerts.length, 1);
});

test('an alert page shows hostile log lines, enrichment and the model text as inert text', { skip }, async () => {
  const { page } = b;
  const a = await bruteForce(BRUTE_IP);
  const detail = await apiGet<AlertRecord>(`/alerts/${a.id}`);
  const calls = await apiCalls(async () => {
    await page.goto(`${base}/alerts/${a.id}`);
    await page.locator('#llm .llm-summary').waitFor();
  });
  // One API call: the detail carries the evidence events and the LLM summary.
  assert.deepEqual(
    calls.map((u) => u.pathname),
    [`/api/v1/alerts/${a.id}`],
  );
  const samples = page.locator('#evidence pre.samples');
  await samples.waitFor();
  const text = (await samples.textContent()) ?? '';
  assert.ok(text.includes(`invalid user ${HOSTILE.img} from ${BRUTE_IP}`), text);
  assert.ok(text.includes(`invalid user ${HOSTILE.script} from ${BRUTE_IP}`), text);
  // Every event the alert names (alerting keeps the latest alerting.max_event_ids) is found in the store.
  assert.ok(a.event_ids.length >= 5);
  assert.equal(detail.evidence?.length, a.event_ids.length, 'the API finds every event the alert names');
  assert.equal(await page.locator('#evidence-note').textContent(), `${a.event_ids.length} of ${a.event_ids.length} referenced events shown.`);
  // The rows are the API's evidence, in its order: each the failure line of the brute force.
  assert.deepEqual(await page.locator('#evidence table.events tbody tr td:nth-child(6)').allTextContents(), detail.evidence!.map((e) => e.message));
  assert.deepEqual(new Set(await page.locator('#evidence table.events tbody tr td:nth-child(7)').allTextContents()), new Set([BRUTE_IP]));
  assert.equal(detail.llm_summary?.summary?.summary, JSON.parse(MODEL_ANSWER).summary);
  await page.locator('#llm .llm-summary', { hasText: `user names like ${HOSTILE.img}` }).waitFor();
  await page.locator('#deliveries tbody tr', { hasText: 'slack' }).filter({ hasText: 'sent' }).first().waitFor();
  const enrich = await page.locator('section', { hasText: 'Source IPs' }).locator('tbody tr').first().locator('td').allTextContents();
  assert.deepEqual([enrich[0], enrich[3], enrich[5]], [BRUTE_IP, 'US', '15169']);

  // Inert: nothing the lines or the model wrote became an element or ran.
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('script').count(), 1, 'only the dashboard bundle');
  assert.equal(await page.locator('a[href*="evil"]').count(), 0);
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('[onerror], [onload], [onclick]').length), 0);
  await b.screenshot('alert-detail');

  // The application line in Slack mrkdwn and HTML, found by the events search.
  await page.goto(`${base}/events?text=${encodeURIComponent('login failed')}`);
  const msg = page.locator('#event-results tbody tr td:nth-child(6)').first();
  await msg.waitFor();
  assert.equal(await msg.textContent(), `login failed ${HOSTILE.mrkdwn} ${HOSTILE.img}`);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('a[href*="evil"]').count(), 0);
  assert.deepEqual(b.dialogs, [], 'no dialog opened');
});

test('acknowledge and silence from the alert page change the alerts (checked through the API)', { skip }, async () => {
  const { page } = b;
  const ack = await bruteForce(BRUTE_IP);
  await page.goto(`${base}/alerts/${ack.id}`);
  await page.fill('#ack-form input[name=by]', 'alice');
  await page.fill('#ack-form input[name=comment]', 'looking into it');
  await page.click('#ack-form button[type=submit]');
  await page.locator('#alert-detail dd .badge', { hasText: 'acknowledged' }).waitFor();
  const acked = await apiGet<AlertRecord>(`/alerts/${ack.id}`);
  assert.equal(acked.state, 'acknowledged');
  assert.equal(acked.acknowledged_by, 'alice');
  assert.equal(acked.ack_comment, 'looking into it');

  // A read token may look but not silence: the page says which token it needs.
  const sil = await bruteForce(SILENCE_IP);
  await page.evaluate((tok) => (globalThis as unknown as PageGlobals).sessionStorage.setItem('logward.api_token', tok), READ_TOKEN);
  await page.goto(`${base}/alerts/${sil.id}`);
  await page.fill('#silence-form input[name=created_by]', 'bob');
  await page.fill('#silence-form input[name=comment]', 'known scanner');
  await page.click('#silence-form button[type=submit]');
  await page.locator('#notice', { hasText: 'may only read' }).waitFor();
  assert.equal((await apiGet<{ silences: unknown[] }>('/silences')).silences.length, 0);

  await page.evaluate((tok) => (globalThis as unknown as PageGlobals).sessionStorage.setItem('logward.api_token', tok), WRITE_TOKEN);
  await page.goto(`${base}/alerts/${sil.id}`);
  await page.selectOption('#silence-form select[name=duration]', '24');
  await page.fill('#silence-form input[name=created_by]', 'bob');
  await page.fill('#silence-form input[name=comment]', 'known scanner');
  await page.click('#silence-form button[type=submit]');
  await page.locator('#alert-detail dd .badge', { hasText: 'silenced' }).waitFor();
  const silences = (await apiGet<{ silences: Array<{ matchers: unknown[]; created_by: string; comment: string; ends_at: string }> }>('/silences')).silences;
  assert.equal(silences.length, 1);
  assert.deepEqual(silences[0]!.matchers.map((m) => ({ ...(m as object) })).map(({ name, value }: { name?: string; value?: string }) => ({ name, value })), [
    { name: 'rule_id', value: 'ssh-brute-force' },
    { name: 'src_ip', value: SILENCE_IP },
  ]);
  assert.equal(silences[0]!.created_by, 'bob');
  assert.equal((await apiGet<AlertRecord>(`/alerts/${sil.id}`)).state, 'silenced');
  assert.equal((await apiGet<AlertRecord>(`/alerts/${ack.id}`)).state, 'acknowledged', 'the other brute force is not silenced');
  await b.screenshot('alert-silenced');
});

test('events search: the server applies every filter (IP, CIDR, text, severity list, user, time), rows exactly its answer', { skip }, async () => {
  const { page } = b;
  const rows = page.locator('#event-results tbody tr');
  const messages = () => page.locator('#event-results tbody tr td:nth-child(6)').allTextContents();
  /** The page's search for `q`: its rows, and the /events query it sent (the API's answer to that query is what it must show). */
  const search = async (q: Record<string, string>) => {
    const calls = await apiCalls(async () => {
      await page.goto(`${base}/events?${new URLSearchParams(q)}`);
      await page.locator('#event-count', { hasText: 'found' }).waitFor();
    });
    const sent = calls.filter((u) => u.pathname === '/api/v1/events');
    assert.equal(sent.length, 1, calls.join(' '));
    assert.deepEqual(Object.fromEntries(sent[0]!.searchParams), { ...q, limit: '200' }, 'the filters go to the server as they are');
    const api = await apiGet<{ events: LogEvent[] }>(`/events?${sent[0]!.searchParams}`);
    assert.deepEqual(await messages(), api.events.map((e) => e.message), 'the rows are the API page, newest first');
    return api.events;
  };

  let events = await search({ ip: BRUTE_IP });
  assert.equal(events.length, 12);
  assert.deepEqual(new Set(await page.locator('#event-results tbody tr td:nth-child(7)').allTextContents()), new Set([BRUTE_IP]));
  // A CIDR network: the brute force from 8.8.8.8 and nothing else (exact matching in a browser found none).
  events = await search({ ip: '8.8.8.0/24' });
  assert.equal(events.length, 12);
  assert.ok(events.every((e) => e.fields.src_ip === BRUTE_IP));
  events = await search({ ip: '1.0.0.0/8' });
  assert.equal(events.length, 12);
  assert.ok(events.every((e) => e.fields.src_ip === SILENCE_IP));
  assert.match((await page.locator('#event-count').textContent()) ?? '', /^12 events found, newest first: all that match\.$/);

  // Text: a case-insensitive substring of the message.
  events = await search({ host: 'web1', source: 'app', text: 'UPSTREAM Timed Out' });
  assert.equal(events.length, 150);
  assert.ok(events.every((e) => e.message.startsWith('upstream timed out')));
  events = await search({ user: 'admin3' });
  assert.equal(events.length, 1);
  // Severity as a list: the form's "error or worse" and a list in a link.
  events = await search({ host: 'db1', source: 'app', severity: 'emergency,alert,critical,error', from: '2026-11-21T00:00:00.000Z', to: '2026-11-21T06:00:00.000Z' });
  assert.equal(events.length, 6, 'one error an hour on db1');
  assert.equal(await page.locator('#event-filters select[name=severity] option:checked').textContent(), 'error or worse');
  assert.deepEqual(new Set(await page.locator('#event-results tbody tr td:nth-child(4)').allTextContents()), new Set(['error']));
  events = await search({ host: 'web1', severity: 'warning,info', text: 'request served in 17 ms' });
  assert.ok(events.length > 50 && events.every((e) => e.severity === 'info' && e.host === 'web1'), String(events.length));

  // Paging: newest first, `next` → `after`, Continue appends the next page.
  const first = await search({ host: 'web1', source: 'app' });
  assert.equal(first.length, 200);
  const more = page.locator('#event-more');
  assert.equal(await more.isVisible(), true, 'Continue is offered while the API says more may follow');
  const pageOne = await apiGet<{ events: LogEvent[]; next?: string }>('/events?host=web1&source=app&limit=200');
  assert.ok(pageOne.next);
  const calls = await apiCalls(async () => {
    await more.click();
    await page.locator('#event-count', { hasText: '400 events found' }).waitFor();
  });
  assert.deepEqual(
    calls.map((u) => u.searchParams.get('after')),
    [pageOne.next],
  );
  const pageTwo = await apiGet<{ events: LogEvent[] }>(`/events?host=web1&source=app&limit=200&after=${pageOne.next}`);
  assert.deepEqual(await messages(), [...pageOne.events, ...pageTwo.events].map((e) => e.message));
  const times = [...pageOne.events, ...pageTwo.events].map((e) => Date.parse(e.time));
  assert.ok(times.every((t, i) => i === 0 || t <= times[i - 1]!), 'newest first across pages');
  assert.equal(await rows.count(), 400);

  // A refused query shows the API's message (not the code).
  const bad = await fetch(`${base}/api/v1/events?ip=${encodeURIComponent('10.0.0.0/99')}`, { headers: { Authorization: `Bearer ${READ_TOKEN}` } });
  assert.equal(bad.status, 400);
  const err = (await bad.json()) as { error: string; message: string };
  await page.goto(`${base}/events?ip=${encodeURIComponent('10.0.0.0/99')}`);
  await page.locator('#event-results p.error').waitFor();
  assert.equal(await page.locator('#event-results p.error').textContent(), `Searching events failed: ${err.message}`);

  // The form drives the same search.
  await page.goto(`${base}/events`);
  await page.fill('#event-filters input[name=ip]', SILENCE_IP);
  await page.click('#event-filters button[type=submit]');
  await page.waitForURL(/ip=1\.1\.1\.1/);
  await page.locator('#event-count', { hasText: '12 events found' }).waitFor();
  await b.screenshot('events');
});

test('a default install (no API token) works from a local browser: list, detail, acknowledge', { skip }, async () => {
  const open = await startTestService({ alerting: { geoip: { enabled: false } } as never }, { clock: new TestClock(NOW) });
  try {
    const url = `http://127.0.0.1:${await open.service.listen()}`;
    const lines = Array.from({ length: 12 }, (_, i) => ({
      file: '/var/log/auth.log',
      offset: i * 100,
      log: `Nov 21 10:05:${String(i * 2).padStart(2, '0')} web2 sshd[${900 + i}]: Failed password for root from 198.51.100.9 port ${41000 + i} ssh2`,
      hostname: 'web2',
      source_kind: 'auth',
    }));
    const res = await fetch(`${url}/v1/ingest`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(lines) });
    assert.equal(res.status, 204);
    await open.service.pump.notify();
    const { page } = b;
    // Another origin (port): this tab holds no token for it.
    await page.goto(`${url}/alerts`);
    await page.locator('#alert-count', { hasText: '1 alert' }).waitFor();
    await page.click('#alert-results tbody tr td:nth-child(5) a');
    await page.waitForURL(/\/alerts\/\d+$/);
    await page.fill('#ack-form input[name=by]', 'carol');
    await page.click('#ack-form button[type=submit]');
    await page.locator('#alert-detail dd .badge', { hasText: 'acknowledged' }).waitFor();
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const a = (await (await fetch(`${url}/api/v1/alerts/${id}`)).json()) as AlertRecord;
    assert.equal(a.state, 'acknowledged');
    assert.equal(a.acknowledged_by, 'carol');
    assert.equal(await page.locator('#notice').isHidden(), true, 'no token asked for');
  } finally {
    await open.close();
  }
});

test('every API call the pages made is one the OpenAPI document declares, with only declared, non-empty parameters', { skip }, async () => {
  type Param = { name: string; in: string };
  const doc = await apiGet<{ paths: Record<string, Record<string, { parameters?: Param[] }>> }>('/openapi.json');
  const routes = Object.entries(doc.paths).map(([path, ops]) => ({ re: new RegExp(`^/api/v1${path.replace(/\{[^}]+\}/g, '[^/]+')}$`), ops }));
  const calls = b.requests.map((u) => new URL(u)).filter((u) => u.pathname.startsWith('/api'));
  assert.ok(calls.length > 20, String(calls.length));
  for (const u of calls) {
    assert.ok(u.pathname.startsWith('/api/v1/'), `versioned: ${u.pathname}`);
    const route = routes.find((r) => r.re.test(u.pathname));
    assert.ok(route, `declared: ${u.pathname}`);
    const declared = new Set(Object.values(route.ops).flatMap((op) => (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)));
    for (const [k, v] of u.searchParams) {
      assert.ok(declared.has(k), `${u.pathname} declares ${k}`);
      assert.notEqual(v, '', `${u.pathname}: ${k} is not empty`);
    }
  }
});

test('no page opened a dialog, threw, broke the CSP or failed a request', { skip }, () => {
  assert.deepEqual(b.dialogs, []);
  assert.deepEqual(b.pageErrors, []);
  assert.deepEqual(b.cspViolations, []);
  assert.deepEqual(b.failedRequests, []);
});
