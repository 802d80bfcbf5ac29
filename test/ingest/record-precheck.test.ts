/**
 * The record precheck (ingest/record-precheck.ts) may only say "certainly valid" where Ajv
 * accepts: checked over the captured Fluent Bit records and every key of them deleted, retyped
 * and stretched past the schema's bounds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCaptures } from '../helpers/captures.js';
import { FIXTURES } from '../helpers/paths.js';
import { compilePrecheck } from '../../alert-service/src/ingest/record-precheck.js';
import { validatorFor } from '../../alert-service/src/schema/registry.js';
import { classifyRecord, recordSchemaFile } from '../../alert-service/src/normalize/index.js';

function fixtureRecords(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const folder of ['raw-gzip-json', 'parsed-json-lines'] as const) {
    for (const cap of loadCaptures(folder)) {
      const text = cap.headers['Content-Encoding'] === 'gzip' ? gunzipSync(cap.body).toString() : cap.body.toString();
      if (text.trimStart().startsWith('[')) out.push(...(JSON.parse(text) as Record<string, unknown>[]));
      else for (const l of text.split('\n')) if (l.trim()) out.push(JSON.parse(l) as Record<string, unknown>);
    }
  }
  out.push(...(JSON.parse(readFileSync(join(FIXTURES, 'journald', 'fluent-bit-body.json'), 'utf8')) as Record<string, unknown>[]));
  out.push(...(JSON.parse(readFileSync(join(FIXTURES, 'windows-eventlog-samples', 'winevtlog-out-http-body.json'), 'utf8')) as Record<string, unknown>[]));
  // raw lines as our agent sends them, and a JSON app log parsed by Fluent Bit
  out.push({ fb_time: '2026-11-21T10:00:01.120Z', file: '/var/log/auth.log', offset: 120, inode: 99, log: 'Nov 21 10:00:01 web1 sshd[1]: x', hostname: 'web1', source_kind: 'auth' });
  out.push({ time: '2026-11-21T10:00:01.120Z', level: 'info', msg: 'order 1', file: '/var/log/myapp/orders.log', offset: 0, hostname: 'web1', source_kind: 'app' });
  out.push({ time: 'Nov 21 10:00:01', host: 'web1', ident: 'sshd', pid: '123', message: 'Accepted password', pri: '38' });
  out.push({ remote: '198.51.100.1', host: '-', user: '-', method: 'GET', path: '/', code: '200', size: '5', referer: '-', agent: 'curl' });
  return out;
}

const VALUES: unknown[] = [
  null, 0, -1, 1.5, 99, 100, 599, 600, 2 ** 60, 1e400, true, '', ' ', 'x', '123', '12345678901', '200', '99', '1000', '\u00e9\ud83d\ude00',
  'auth', 'windows', 'nope', 'a'.repeat(256), 'a'.repeat(4097), [], {}, [1], { a: 1 },
];

function mutations(r: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [r];
  const keys = [...Object.keys(r), 'log', 'message', 'msg', 'event', 'code', 'remote', 'method', 'pid', 'offset', 'inode', 'file', 'hostname', 'source_kind', 'time', 'level', 'host', 'ident'];
  for (const k of keys) {
    const d = { ...r };
    delete d[k];
    out.push(d);
    for (const v of VALUES) out.push({ ...r, [k]: v });
  }
  return out;
}

test('the precheck accepts only records Ajv accepts, and most valid ones', () => {
  let sure = 0;
  let valid = 0;
  let checked = 0;
  for (const base of fixtureRecords()) {
    for (const rec of mutations(base)) {
      const shape = classifyRecord(rec);
      if (!shape) continue;
      const file = recordSchemaFile(shape);
      const precheck = compilePrecheck(file);
      if (!precheck) continue;
      checked++;
      const ajv = validatorFor(file)(rec);
      if (ajv) valid++;
      if (precheck(rec)) {
        sure++;
        assert.ok(ajv, `precheck accepted what Ajv refuses (${file}): ${JSON.stringify(rec).slice(0, 300)}`);
      }
    }
  }
  assert.ok(checked > 2000, `only ${checked} records of precheckable shapes`);
  // Not a no-op: the plain records (what nearly all traffic is) take the fast path.
  assert.ok(sure > 0.9 * valid, `precheck sure of ${sure} of ${valid} valid records`);
});

test('a schema outside the subset gets no precheck (its records all go to Ajv)', () => {
  assert.equal(compilePrecheck('records/winevtlog.schema.json'), undefined);
  assert.equal(compilePrecheck('records/journald.schema.json'), undefined);
  assert.ok(compilePrecheck('records/tail-raw.schema.json'));
  assert.ok(compilePrecheck('records/tail-parsed.schema.json'));
  assert.ok(compilePrecheck('records/app-json.schema.json'));
});
