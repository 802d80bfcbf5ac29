/** Bad input gets a clear 4xx and leaves stored events untouched; valid records are never lost. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { postRaw, startTestService, type TestService } from '../helpers/service.js';
import { parseBody } from '../../alert-service/src/ingest/body.js';
import type { IngestError } from '../../alert-service/src/ingest/errors.js';

const TOKEN = 'test-token-0123456789';
let t: TestService;
let base: string;
before(async () => {
  t = await startTestService({ ingest: { tokens: [TOKEN], max_body_bytes: 64 * 1024, max_decoded_bytes: 256 * 1024, max_depth: 16, max_dead_letters_per_chunk: 10 } });
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
const gz = (encoding: string, body: Buffer) => postRaw(base, '/v1/ingest', { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Content-Encoding': encoding }, body);
after(() => t.close());

const post = () => request(t.service.app).post('/v1/ingest').set('Authorization', `Bearer ${TOKEN}`);
const count = () => t.service.store.countEvents();
const line = (offset: number, text = 'Nov 21 10:00:03 web1 sshd[3101]: Failed password for root from 203.0.113.7 port 40112 ssh2') => ({
  fb_time: '2026-11-21T23:47:51.124425Z',
  file: '/var/log/auth.log',
  offset,
  log: text,
  hostname: 'web1',
  source_kind: 'auth',
});

test('a gzip batch over a real socket is stored', async () => {
  const res = await gz('gzip', gzipSync(JSON.stringify([line(50_000), line(50_100)])));
  assert.equal(res.status, 204, res.text);
  assert.equal(count(), 2);
});

test('a valid batch is stored', async () => {
  await post().set('Content-Type', 'application/json').send(JSON.stringify([line(0), line(100)])).expect(204);
  assert.equal(count(), 4);
});

test('wrong, missing or malformed token → 401 and nothing stored', async () => {
  const before = count();
  for (const auth of [undefined, 'Bearer wrong-token-xxxxxxxx', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
    const req = request(t.service.app).post('/v1/ingest').set('Content-Type', 'application/json');
    if (auth) req.set('Authorization', auth);
    const res = await req.send(JSON.stringify([line(900)]));
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'unauthorized');
  }
  assert.equal(count(), before);
});

test('an invalid record is dead-lettered, the rest of its batch stored', async () => {
  const before = count();
  const bad = { EventID: 4625, EventRecordID: 'not-a-number', Channel: 'Security', Computer: 'FS01', TimeCreated: '2026-11-21 10:14:01 +0100' };
  const res = await post().set('Content-Type', 'application/json').send(JSON.stringify([line(200), bad, 42, { nothing: 'recognisable' }, line(300)]));
  assert.equal(res.status, 204);
  assert.equal(count(), before + 2);
  const dead = t.service.store.deadLetters(10);
  assert.equal(dead.length, 3);
  assert.ok(dead.some((d) => /EventRecordID must be integer/.test(d.reason)), JSON.stringify(dead.map((d) => d.reason)));
  assert.ok(dead.some((d) => /expected a JSON object/.test(d.reason)));
  assert.ok(dead.some((d) => /unknown record shape/.test(d.reason)));
  const metrics = await request(t.service.app).get('/metrics');
  assert.match(metrics.text, /logward_ingest_records_total\{outcome="dead_letter"\} 3/);
});

test('a chunk of garbage keeps a bounded number of dead letters, counts them all, and stores the valid record', async () => {
  const before = count();
  const deadBefore = t.service.store.deadLetters(10_000).length;
  await post().set('Content-Type', 'application/json').send(JSON.stringify([...Array.from({ length: 500 }, (_, i) => i), line(450)])).expect(204);
  assert.equal(count(), before + 1);
  const dead = t.service.store.deadLetters(10_000);
  assert.equal(dead.length - deadBefore, 11);
  assert.match(dead[0]!.reason, /490 more invalid records in this chunk were counted but not kept/);
  const metrics = await request(t.service.app).get('/metrics');
  assert.match(metrics.text, /logward_ingest_records_total\{outcome="dead_letter"\} 503/);
});

test('json_lines with one broken line keeps the good lines', async () => {
  const before = count();
  const body = [JSON.stringify(line(400)), '{"log": "truncated', JSON.stringify(line(500))].join('\n');
  await post().set('Content-Type', 'application/x-ndjson').send(body).expect(204);
  assert.equal(count(), before + 2);
  assert.ok(t.service.store.deadLetters(1)[0]!.reason.includes('not valid JSON'));
});

for (const [name, build, status, code] of [
  ['garbage', () => post().set('Content-Type', 'application/json').send('this is not json'), 400, 'bad_json'],
  ['garbage array', () => post().set('Content-Type', 'application/json').send('[{"log": "x"},'), 400, 'bad_json'],
  ['empty body', () => post().set('Content-Type', 'application/json').send(''), 400, 'empty_body'],
  ['truncated gzip', () => gz('gzip', gzipSync(JSON.stringify([line(600)])).subarray(0, 20)), 400, 'bad_gzip'],
  ['not gzip at all', () => gz('gzip', Buffer.from('plain text')), 400, 'bad_gzip'],
  ['unknown encoding', () => gz('br', Buffer.from('[]')), 415, 'unsupported_encoding'],
  ['body over the limit', () => post().set('Content-Type', 'application/json').send(JSON.stringify(Array.from({ length: 700 }, (_, i) => line(10_000 + i)))), 413, 'body_too_large'],
  ['gzip bomb', () => gz('gzip', gzipSync(Buffer.alloc(2 * 1024 * 1024, 32))), 413, 'decoded_too_large'],
  ['deeply nested array', () => post().set('Content-Type', 'application/json').send('['.repeat(5000) + ']'.repeat(5000)), 400, 'too_deep'],
  ['deeply nested record', () => post().set('Content-Type', 'application/json').send(JSON.stringify([{ ...line(700), x: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) }])), 400, 'too_deep'],
] as const) {
  test(`${name} → ${status} ${code}, stored events untouched`, async () => {
    const before = count();
    const res = await build();
    assert.equal(res.status, status, res.text);
    assert.equal(res.body.error, code);
    assert.equal(typeof res.body.message, 'string');
    assert.equal(count(), before);
  });
}

test('nesting in strings does not count as depth', async () => {
  const before = count();
  await post().set('Content-Type', 'application/json').send(JSON.stringify([line(800, 'Nov 21 10:00:03 web1 app[1]: ' + '[{'.repeat(100))]))
    .expect(204);
  assert.equal(count(), before + 1);
});

test('format json: a record nested too deep is dead-lettered, the rest of its chunk stored', async () => {
  // A JSON app log line is attacker-written: it must not make the service refuse (and Fluent Bit drop) its whole chunk.
  const before = count();
  const deadBefore = t.service.store.deadLetters(10_000).length;
  const deep = JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40));
  const tricky = line(1300, 'Nov 21 10:00:03 web1 app[1]: odd text ], [ {"x": "\\"}" , ] }');
  const res = await post().set('Content-Type', 'application/json').send(JSON.stringify([line(1000), { ...line(1100), x: deep }, tricky, [[deep]], line(1200)]));
  assert.equal(res.status, 204, res.text);
  assert.equal(count(), before + 3);
  const dead = t.service.store.deadLetters(10_000);
  assert.equal(dead.length - deadBefore, 2);
  assert.match(dead[1]!.reason, /record 1: JSON nesting deeper than 16 levels/);
  assert.match(dead[0]!.reason, /record 3: JSON nesting deeper than 16 levels/);
  assert.ok(t.service.store.query({ limit: 10_000 }).some((e) => e.message.endsWith('odd text ], [ {"x": "\\"}" , ] }')));
});

for (const body of ['[{"log": "x"}, ]', '[{"log": "x"} {"log": "y"}]', '[{"log": "x"}] trailing', '[' + '{"a":'.repeat(40) + '1' + '}'.repeat(40) + ', {"log": "x"']) {
  test(`format json with a too-deep record and broken syntax → 400 bad_json: ${body.slice(-30)}`, async () => {
    const before = count();
    const res = await post().set('Content-Type', 'application/json').send(body.includes('"a"') ? body : body.replace('[', '[' + '['.repeat(40) + ']'.repeat(40) + ','));
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error, 'bad_json');
    assert.equal(count(), before);
  });
}

test('format json: a too-deep record followed by a flood of tiny records stops at the record limit', () => {
  const text = '[' + '['.repeat(40) + ']'.repeat(40) + ',1'.repeat(2_000_000) + ']';
  assert.throws(() => parseBody(text, { maxBodyBytes: 1, maxDecodedBytes: 1, maxRecords: 1000, maxDepth: 16 }), (err: IngestError) => err.status === 413 && err.code === 'too_many_records');
});
