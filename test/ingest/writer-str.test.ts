/**
 * Writer#str (store/event-codec.ts) writes the LEB128 UTF-8 length then the UTF-8 bytes, as
 * Buffer does, whichever path it takes: short ASCII copied by itself, the rest by the native
 * write after a length prefix guessed from the UTF-16 length and moved when the bytes need a
 * longer one (non-ASCII around 128 and 16384 bytes, lone surrogates, empty strings).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader, Writer } from '../../alert-service/src/store/event-codec.js';

function leb128(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

const reference = (s: string) => Buffer.concat([Buffer.from(leb128(Buffer.byteLength(s, 'utf8'))), Buffer.from(s, 'utf8')]);

function corpus(): string[] {
  const out: string[] = [];
  for (const unit of ['a', 'é', '€', '\ud83d\ude00', '\ud800', '\udc00', '\u007f', '\u0080', '\u07ff', '\u0800']) {
    for (const n of [0, 1, 2, 23, 24, 25, 42, 43, 63, 64, 127, 128, 129, 4095, 5461, 5462, 8192, 16383, 16384, 16385, 70000]) {
      out.push(unit.repeat(n));
      out.push('x'.repeat(n) + unit);
      out.push(unit + 'y'.repeat(n));
    }
  }
  return out;
}

test('Writer#str writes what Buffer writes, after its LEB128 byte length', () => {
  const w = new Writer(16); // small: every path also grows the buffer
  const strings = corpus();
  const want: Buffer[] = [];
  w.byte(0xaa); // not at position 0
  for (const s of strings) {
    w.str(s);
    want.push(reference(s));
  }
  assert.deepEqual(Buffer.from(w.view()), Buffer.concat([Buffer.from([0xaa]), ...want]));
  const r = new Reader(w.view());
  assert.equal(r.byte(), 0xaa);
  for (const s of strings) assert.equal(r.str(), Buffer.from(s, 'utf8').toString('utf8'));
  assert.equal(r.pos, w.pos);
});
