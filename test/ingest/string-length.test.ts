/**
 * The cheaper maxLength / minLength keywords (schema/string-length.ts) against Ajv's own: the
 * same verdict and the same errors for strings of surrogate pairs, lone surrogates, non-ASCII
 * and empty strings around each limit, for a schema where several string keywords can fail at
 * once, and for every record schema ingest validates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { codePointLength, useCheapStringLength } from '../../alert-service/src/schema/string-length.js';
import { createAjv, schemaDocuments } from '../../alert-service/src/schema/registry.js';

const require = createRequire(import.meta.url);
const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as { Ajv2020: new (o: object) => Ajv2020 };
const addFormats = ((m: { default?: unknown }) => (m.default ?? m) as (a: Ajv2020) => Ajv2020)(require('ajv-formats') as { default?: unknown });
const ucs2length = (require('ajv/dist/runtime/ucs2length') as { default: (s: string) => number }).default;

const PAIR = '\ud83d\ude00'; // one code point, two units
const pieces = ['', 'a', 'é', PAIR, '\ud800', '\udc00', '\udbff\udfff', '\udc00\ud800', 'x'];

/** Every string of up to 5 pieces drawn from `pieces` (a few thousand), plus long ones. */
function strings(): string[] {
  const out = new Set<string>();
  const grow = (s: string, n: number) => {
    out.add(s);
    if (n === 0) return;
    for (const p of pieces) grow(s + p, n - 1);
  };
  grow('', 4);
  for (const n of [255, 256, 511, 512, 4096, 4097]) {
    out.add('a'.repeat(n));
    out.add(PAIR.repeat(n));
    out.add(PAIR.repeat(n >> 1) + 'a');
    out.add('\ud800'.repeat(n));
  }
  return [...out];
}

test('codePointLength is ucs2length for every string', () => {
  for (const s of strings()) assert.equal(codePointLength(s), ucs2length(s), JSON.stringify(s));
});

function pair(schema: object): [(v: unknown) => unknown, (v: unknown) => unknown] {
  const stock = addFormats(new Ajv({ allErrors: false, strict: false }));
  const cheap = addFormats(new Ajv({ allErrors: false, strict: false }));
  useCheapStringLength(cheap);
  const a = stock.compile(schema);
  const b = cheap.compile(schema);
  return [(v) => [a(v), a.errors], (v) => [b(v), b.errors]];
}

test('the cheap keywords give the verdict and errors Ajv gives', () => {
  const schema = {
    type: 'object',
    properties: {
      max: { type: 'string', maxLength: 3 },
      min: { type: 'string', minLength: 2 },
      both: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]*$' },
      first: { type: 'string', pattern: '^a', maxLength: 2, format: 'hostname' },
    },
  };
  const [stock, cheap] = pair(schema);
  let failures = 0;
  for (const s of strings()) {
    for (const key of ['max', 'min', 'both', 'first']) {
      const v = { [key]: s };
      const want = stock(v);
      if ((want as [boolean])[0] === false) failures++;
      assert.deepEqual(cheap(v), want, `${key}: ${JSON.stringify(s)}`);
    }
  }
  assert.ok(failures > 1000, 'the corpus breaks the limits often');
});

test('every record schema: same verdicts and errors with the shared Ajv as with a stock one', () => {
  const stock = addFormats(new Ajv({ allErrors: false, strict: false }));
  for (const doc of schemaDocuments().values()) stock.addSchema(doc);
  const cheap = createAjv();
  const long = (n: number) => ['a'.repeat(n), PAIR.repeat(n), 'a'.repeat(n + 1), PAIR.repeat(n) + 'a', '\ud800'.repeat(n + 1)];
  for (const file of ['tail-raw', 'tail-parsed', 'app-json', 'winevtlog', 'winlog', 'journald']) {
    const id = `https://logward.dev/schemas/records/${file}.schema.json`;
    const a = stock.getSchema(id)!;
    const b = cheap.getSchema(id)!;
    const props = Object.keys((schemaDocuments().get(`records/${file}.schema.json`) as { properties?: object }).properties ?? {});
    for (const p of props) {
      for (const s of ['', PAIR, '\udc00', ...long(255), ...long(4096)]) {
        const rec = { log: 'x', message: 'x', Channel: 'c', EventRecordID: 1, Computer: 'h', RecordNumber: 1, ComputerName: 'h', MESSAGE: 'm', [p]: s };
        assert.deepEqual([b(rec), b.errors], [a(rec), a.errors], `${file}.${p}: ${s.length} units`);
      }
    }
  }
});
