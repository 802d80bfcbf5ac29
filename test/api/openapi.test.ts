/**
 * The OpenAPI document against itself and against the service:
 * - it is a valid OpenAPI 3.1 document (the OpenAPI Initiative's meta-schema, test/fixtures/openapi),
 *   every $ref resolves, every Schema Object compiles with Ajv's 2020-12 dialect, operation ids
 *   are unique and path templates match their path parameters;
 * - the routes mounted in the running app (walked from Express's router stack) are exactly the
 *   document's operations, neither more nor fewer;
 * - every operation is driven over real HTTP against a real service holding real data (log lines
 *   posted as Fluent Bit posts them, an alert, a failed delivery, an LLM summary from a local
 *   Ollama-speaking server, a trained anomaly model), and every response's status, content type
 *   and body are validated against the document.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Express } from 'express';
import { FIXTURES } from '../helpers/service.js';
import { compileDocumentSchema, documentAjv } from '../../alert-service/src/server/openapi/request-validator.js';
import type { OpenApiDocument } from '../../alert-service/src/server/openapi/document.js';
import type { ChatRequestSeen } from '../helpers/fake-ollama.js';
import { ATTACKER, bruteForceLines, eventually, ingestLines, INGEST_TOKEN, NOW, startHarness, syslogTime, type Harness } from './harness.js';

type Json = Record<string, unknown>;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => Ajv2020;
const API = '/api/v1';
const HOUR = 3_600_000;

let h: Harness;
let doc: OpenApiDocument;

const SUMMARY = JSON.stringify({
  summary: 'One address tried root passwords over SSH twelve times in twenty seconds: an automated brute-force attempt.',
  assessed_severity: 'high',
  next_steps: ['Look for an Accepted password line from 198.51.100.77', 'Block the address at the firewall'],
});
const REPORT = JSON.stringify({
  verdict: 'likely_malicious',
  summary: 'The address brute-forced root on web1.',
  findings: ['12 failed root logins on web1'],
  recommendations: ['Block 198.51.100.77'],
});

before(async () => {
  h = await startHarness();
  // 30 hours of ordinary traffic on web1 (history for the anomaly model), then a brute force.
  const history: string[] = [];
  for (let hr = 30; hr >= 1; hr--) {
    const at = NOW - hr * HOUR;
    history.push(`${syslogTime(at)} web1 sshd[${100 + hr}]: Accepted publickey for deploy from 10.0.0.5 port 5022 ssh2`);
    history.push(`${syslogTime(at + 60_000)} web1 sshd[${100 + hr}]: pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)`);
  }
  await ingestLines(h.base, 'web1', '/var/log/auth.log', 'auth', history);
  // A record nothing recognises: a dead letter.
  const dead = await request(h.base).post('/v1/ingest').set('Content-Type', 'application/json').set('Authorization', `Bearer ${INGEST_TOKEN}`).send(JSON.stringify([{ nothing: 'recognisable' }]));
  assert.equal(dead.status, 204, dead.text);
  // The first Slack post is refused (400): its outbox item fails, and can be retried.
  h.slack.responses.push({ status: 400, body: 'invalid_payload' });
  await ingestLines(h.base, 'web1', '/var/log/auth.log', 'auth', bruteForceLines());
  await eventually('the brute-force alert', () => h.alerting.listAlerts({ rule: 'ssh-brute-force', limit: 5 })[0]);
  await eventually('the failed delivery', async () => {
    await h.alerting.flush();
    return h.alerting.listOutbox({ status: 'failed', limit: 5 })[0];
  });
  h.ollama.behaviour = { kind: 'answer', content: SUMMARY };
  await h.llm.runOnce();
  doc = (await request(h.base).get(`${API}/openapi.json`).expect(200)).body as OpenApiDocument;
});
after(async () => {
  await h?.close();
});

// ---------------------------------------------------------------- the document itself

function pointer(root: unknown, ref: string): unknown {
  let node = root;
  for (const raw of ref.replace(/^#\//, '').split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(key in (node as Json))) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function walk(node: unknown, visit: (n: Json, path: string) => void, path = '#'): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, visit, `${path}/${i}`));
  else if (node && typeof node === 'object') {
    visit(node as Json, path);
    for (const [k, v] of Object.entries(node as Json)) walk(v, visit, `${path}/${k}`);
  }
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => (item as Json)[m]).map((m) => ({ path, method: m, op: (item as Json)[m] as Json })));

test('the document is valid OpenAPI 3.1 (the OpenAPI Initiative meta-schema)', () => {
  // The meta-schema points at Schema Objects with $dynamicRef "#meta", which (no dialect extending
  // it) resolves to its own $defs/schema; Ajv resolves that dynamic reference to the enclosing
  // definition instead, so it is given as the plain $ref it amounts to. Schema Objects themselves
  // are compiled by the next test.
  const text = readFileSync(join(FIXTURES, 'openapi', 'oas-3.1-schema-2022-10-07.json'), 'utf8').replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"');
  const meta = JSON.parse(text) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  const validate = ajv.compile(meta);
  assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  assert.equal(doc.openapi, '3.1.0');
});

test('every $ref resolves, every schema compiles with Ajv 2020-12, ids are unique, path parameters match templates', () => {
  const refs: string[] = [];
  walk(doc, (n) => {
    if (typeof n.$ref === 'string') refs.push(n.$ref);
  });
  assert.ok(refs.length > 50);
  for (const ref of refs) {
    assert.ok(ref.startsWith('#/'), `external $ref ${ref}`);
    assert.notEqual(pointer(doc, ref), undefined, `unresolved $ref ${ref}`);
  }
  const ajv = documentAjv(doc, false);
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    assert.ok(ajv.validateSchema(schema), `components.schemas.${name}: ${JSON.stringify(ajv.errors)}`);
    compileDocumentSchema(ajv, { $ref: `#/components/schemas/${name}` });
  }
  const ids = new Set<string>();
  for (const { path, method, op } of operations()) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.ok(typeof op.operationId === 'string' && !ids.has(op.operationId), `${where}: operationId missing or repeated`);
    ids.add(op.operationId as string);
    assert.ok(op.responses && Object.keys(op.responses as Json).some((s) => /^2\d\d$/.test(s)), `${where}: no success response`);
    const params = (op.parameters ?? []) as Json[];
    const inPath = params.filter((p) => p.in === 'path').map((p) => p.name).sort();
    const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(inPath, inTemplate, `${where}: path parameters`);
    for (const p of params) {
      assert.ok(['query', 'path'].includes(p.in as string), `${where}: parameter ${String(p.name)} in ${String(p.in)}`);
      compileDocumentSchema(ajv, p.schema as Json);
    }
    walk(op, (n, at) => {
      if (n.schema && typeof n.schema === 'object' && at.includes('/content/')) compileDocumentSchema(ajv, n.schema as Json);
    });
    // Every error response is the one error shape.
    for (const [status, r] of Object.entries(op.responses as Json)) {
      if (Number(status) >= 400) assert.match(String((r as Json).$ref), /^#\/components\/responses\/E\d{3}$/, `${where} ${status}`);
    }
  }
  // Component schemas come from schemas/, not restated: the event and alert record are there, unchanged in content.
  const fromFile = (f: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', f), 'utf8')) as Json;
  assert.deepEqual(Object.keys(doc.components.schemas.LogEvent!.properties as Json), Object.keys(fromFile('event.schema.json').properties as Json));
  assert.deepEqual((doc.components.schemas.AlertRecord as Json).required, fromFile('alert-record.schema.json').required);
});

// ---------------------------------------------------------------- app routes = document operations

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
}

/** "METHOD /path/{param}" for every route of the router stack under `prefix`. */
function appRoutes(stack: Layer[], prefix: string, out = new Set<string>()): Set<string> {
  for (const layer of stack) {
    if (layer.route) {
      for (const p of [layer.route.path].flat()) {
        for (const [m, on] of Object.entries(layer.route.methods)) {
          if (on && m !== '_all') out.add(`${m.toUpperCase()} ${(prefix + p).replace(/:(\w+)/g, '{$1}')}`);
        }
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      appRoutes(layer.handle.stack, prefix + mount, out);
    }
  }
  return out;
}

test('the routes the app serves under /api/v1 are exactly the operations of the document', () => {
  const app = h.t.service.app as Express & { router: { stack: Layer[] } };
  const all = appRoutes(app.router.stack, '');
  const v1 = new Set([...all].filter((r) => r.split(' ')[1]!.startsWith(`${API}/`)).map((r) => r.replace(` ${API}/`, ' /')));
  assert.ok(v1.size > 20, `walked ${v1.size} routes: the router stack walk found too few`);
  const documented = new Set(operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`));
  assert.deepEqual([...v1].filter((r) => !documented.has(r)).sort(), [], 'routes missing from the document');
  assert.deepEqual([...documented].filter((r) => !v1.has(r)).sort(), [], 'documented operations the app does not serve');
  // /api is the same router (an alias): every v1 route exists there too.
  const alias = new Set([...all].filter((r) => r.split(' ')[1]!.startsWith('/api/') && !r.includes(` ${API}/`)).map((r) => r.replace(' /api/', ' /')));
  assert.deepEqual([...alias].sort(), [...v1].sort());
});

// ---------------------------------------------------------------- every operation, validated

const covered = new Map<string, Set<number>>();

function operationFor(method: string, template: string): Json {
  const op = (doc.paths[template] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
  assert.ok(op, `${method} ${template} is not in the document`);
  return op;
}

/** Calls an operation over HTTP and validates the response against the document. */
async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', template: string, path: string, expectStatus: number, body?: unknown): Promise<request.Response> {
  const op = operationFor(method, template);
  let req = request(h.base)[method.toLowerCase() as 'get'](API + path);
  if (method !== 'GET') req = req.set('Content-Type', 'application/json').send(JSON.stringify(body ?? {}));
  const res = await req;
  assert.equal(res.status, expectStatus, `${method} ${path}: ${res.status} ${res.text.slice(0, 500)}`);
  let response = (op.responses as Json)[String(res.status)] as Json | undefined;
  assert.ok(response, `${method} ${template}: status ${res.status} is not documented`);
  if (typeof response.$ref === 'string') response = pointer(doc, response.$ref) as Json;
  const type = String(res.headers['content-type'] ?? '').split(';')[0]!;
  const content = response.content as Record<string, { schema: Json }>;
  assert.ok(content[type], `${method} ${template} ${res.status}: content type ${type} not documented`);
  if (type === 'application/json') {
    const validate = compileDocumentSchema(documentAjv(doc, false), content[type].schema);
    assert.ok(validate(res.body), `${method} ${template} ${res.status}: ${JSON.stringify(validate.errors?.slice(0, 3))}\n${res.text.slice(0, 800)}`);
  } else {
    assert.equal(typeof res.text, 'string');
  }
  for (const name of Object.keys((response.headers ?? {}) as Json)) assert.ok(res.headers[name.toLowerCase()] !== undefined, `${method} ${template}: header ${name} missing`);
  const key = `${method} ${template}`;
  if (!covered.has(key)) covered.set(key, new Set());
  covered.get(key)!.add(res.status);
  return res;
}

test('every operation answers as documented, with real data', { timeout: 120_000 }, async () => {
  // Meta
  const status = await call('GET', '/status', '/status', 200);
  assert.ok(status.body.store.events >= 72);
  assert.equal(status.body.ollama.reachable, true);
  assert.deepEqual(Object.keys(status.body.channels), ['slack']);
  await call('GET', '/openapi.json', '/openapi.json', 200);

  // Events: newest first, filters, cursor and skip pagination
  const page = await call('GET', '/events', `/events?host=web1&ip=${ATTACKER}&limit=5`, 200);
  assert.equal(page.body.events.length, 5);
  assert.ok(page.body.next);
  const times = page.body.events.map((e: { time: string }) => Date.parse(e.time));
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  const rest = await call('GET', '/events', `/events?host=web1&ip=${ATTACKER}&limit=100&after=${page.body.next}`, 200);
  assert.equal(rest.body.events.length, 7);
  assert.equal((await call('GET', '/events', `/events?user=deploy&source=auth&severity=info,notice&limit=100`, 200)).body.events.length > 0, true);
  await call('GET', '/events', `/events?text=FAILED%20PASSWORD&skip=10&from=${new Date(NOW - HOUR).toISOString()}&to=${NOW}`, 200);
  await call('GET', '/events', '/events?ip=10.0.0.0/8&limit=1', 200);
  await call('GET', '/events', '/events?limit=0', 400);
  await call('GET', '/events', '/events?severity=loud', 400);
  await call('GET', '/events', '/events?hostname=web1', 400);
  const dead = await call('GET', '/dead-letters', '/dead-letters?limit=10', 200);
  assert.equal(dead.body.dead_letters.length, 1);
  assert.match(dead.body.dead_letters[0].record, /recognisable/);

  // Alerts
  const list = await call('GET', '/alerts', `/alerts?rule=ssh-brute-force&severity=high&host=web1&from=${new Date(NOW - HOUR).toISOString()}&limit=10`, 200);
  assert.equal(list.body.alerts.length, 1);
  const id = list.body.alerts[0].id as number;
  assert.equal((await call('GET', '/alerts', `/alerts?to=${new Date(NOW - 2 * HOUR).toISOString()}`, 200)).body.alerts.length, 0);
  await call('GET', '/alerts', '/alerts?state=burning', 400);
  const one = await call('GET', '/alerts/{id}', `/alerts/${id}`, 200);
  assert.equal(one.body.llm_summary.status, 'ok');
  assert.ok(one.body.notifications.length >= 1);
  assert.ok(one.body.samples.length > 0 && one.body.event_ids.length > 0);
  // Evidence: the stored events the alert names, whole.
  assert.deepEqual(one.body.evidence.map((e: { id: string }) => e.id).sort(), [...one.body.event_ids].slice(-50).sort());
  assert.ok(one.body.evidence.every((e: { message: string }) => e.message.includes(ATTACKER)));
  assert.equal(one.body.enrichment[0].ip, ATTACKER);
  await call('GET', '/alerts/{id}', '/alerts/99999', 404);
  await call('GET', '/alerts/{id}', '/alerts/abc', 400);
  const csv = await call('GET', '/alerts/export', '/alerts/export?format=csv', 200);
  assert.match(csv.headers['content-disposition']!, /attachment; filename="alerts.csv"/);
  assert.match(csv.text, /^id,rule_id,title,severity,state/);
  await call('GET', '/alerts/export', '/alerts/export?format=json&state=firing', 200);
  await call('POST', '/alerts/{id}/ack', `/alerts/${id}/ack`, 400, { comment: 'no by' });
  assert.equal((await call('POST', '/alerts/{id}/ack', `/alerts/${id}/ack`, 200, { by: 'dave', comment: 'looking' })).body.state, 'acknowledged');

  // Investigation by the model (one tool call, then the structured report)
  let turns = 0;
  h.ollama.behaviour = (req: ChatRequestSeen) => {
    if (req.format) return { kind: 'answer', content: REPORT };
    return turns++ === 0 ? { kind: 'tool_calls', calls: [{ name: 'search_events', arguments: { ip: ATTACKER, limit: 20 } }] } : { kind: 'answer', content: 'enough' };
  };
  await call('POST', '/alerts/{id}/investigate', `/alerts/${id}/investigate`, 200);
  await call('POST', '/alerts/{id}/investigate', '/alerts/99999/investigate', 404);

  // Silences
  const silence = await call('POST', '/silences', '/silences', 201, { matchers: [{ name: 'host', value: 'web9' }], ends_at: new Date(NOW + HOUR).toISOString(), comment: 'maintenance', created_by: 'dave' });
  await call('POST', '/silences', '/silences', 400, { matchers: [], comment: 'x' });
  await call('GET', '/silences', '/silences?all=1', 200);
  await call('DELETE', '/silences/{id}', `/silences/${silence.body.id}`, 200);
  await call('DELETE', '/silences/{id}', '/silences/4242', 404);

  // Deliveries
  const failed = await call('GET', '/outbox', '/outbox?status=failed&channel=slack', 200);
  assert.equal(failed.body.items.length, 1);
  await call('POST', '/outbox/{id}/retry', `/outbox/${failed.body.items[0].id}/retry`, 200);
  await call('POST', '/outbox/{id}/retry', '/outbox/777/retry', 404);

  // Rules
  const rules = await call('GET', '/rules', '/rules', 200);
  assert.ok(rules.body.rules.some((r: { id: string }) => r.id === 'ssh-brute-force'));
  await call('GET', '/rules/{id}', '/rules/ssh-brute-force', 200);
  await call('GET', '/rules/{id}', '/rules/no-such-rule', 404);
  const patched = await call('PATCH', '/rules/{id}', '/rules/ssh-brute-force', 200, { threshold: 4, quiet_s: 60 });
  assert.equal(patched.body.fire.threshold, 4);
  await call('PATCH', '/rules/{id}', '/rules/ssh-brute-force', 400, { group_by: ['user'] });
  await call('PATCH', '/rules/{id}', '/rules/oom-kill', 400, { threshold: 3 });
  const tested = await call('POST', '/rules/{id}/test', '/rules/ssh-brute-force/test', 200, { lines: bruteForceLines('203.0.113.9').slice(0, 5), kind: 'auth', host: 'web7' });
  assert.equal(tested.body.exit_code, 1, tested.body.text);
  await call('POST', '/rules/{id}/test', '/rules/ssh-brute-force/test', 400, { lines: [] });
  await call('DELETE', '/rules/{id}/override', '/rules/ssh-brute-force/override', 200);

  // Anomaly: history from the stored events, a model, scored hours, the error summary
  await call('GET', '/anomaly/status', '/anomaly/status', 200);
  const rebuilt = await call('POST', '/anomaly/rebuild', '/anomaly/rebuild', 200, { days: 3 });
  assert.ok(rebuilt.body.hours >= 24, JSON.stringify(rebuilt.body));
  await call('POST', '/anomaly/train', '/anomaly/train', 200, {});
  await call('POST', '/anomaly/train', '/anomaly/train', 400, { days: 0 });
  await call('GET', '/anomaly/detect', '/anomaly/detect?host=web1&hours=48', 200);
  await call('GET', '/anomaly/errors', `/anomaly/errors?from=${new Date(NOW - 2 * 24 * HOUR).toISOString()}&to=${NOW}`, 200);
  await call('GET', '/anomaly/errors', '/anomaly/errors?from=yesterday', 400);

  // LLM
  await call('GET', '/llm/status', '/llm/status', 200);
  await call('GET', '/llm/summaries/{alertId}', `/llm/summaries/${id}`, 200);
  await call('GET', '/llm/summaries/{alertId}', '/llm/summaries/88888', 404);
  await call('POST', '/llm/review', '/llm/review', 200);

  // Wrong methods on known paths: 405 with Allow, in the error shape.
  const wrong = await call('DELETE', '/alerts', '/alerts', 405).catch(() => undefined);
  assert.equal(wrong, undefined, 'DELETE /alerts is not an operation: call() refuses undocumented operations');
  const r405 = await request(h.base).delete(`${API}/alerts`).set('Content-Type', 'application/json').send('{}').expect(405);
  assert.equal(r405.headers.allow, 'GET, HEAD');
  assert.equal(r405.body.error, 'method_not_allowed');

  // Every documented operation was driven to a success.
  const missing = operations()
    .map(({ path, method }) => `${method.toUpperCase()} ${path}`)
    .filter((k) => ![...(covered.get(k) ?? [])].some((s) => s >= 200 && s < 300));
  assert.deepEqual(missing, [], 'operations never answered with a success');
});
