/**
 * decodeBody inflates into one buffer of the size the gzip trailer declares. A multi-member body
 * (whose last trailer declares only its own member) still decodes whole, a trailer that lies is
 * refused as zlib refuses it, and the decoded limit holds to the byte whatever the trailer says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decodeBody } from '../../alert-service/src/ingest/body.js';

const text = JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ log: `line ${i} café 😀`, offset: i })));
const withTrailer = (gz: Buffer, isize: number) => {
  const b = Buffer.from(gz);
  b.writeUInt32LE(isize >>> 0, b.length - 4);
  return b;
};

test('the text comes back from one member or several; a trailer that lies is bad gzip', async () => {
  const gz = gzipSync(text);
  const bytes = Buffer.byteLength(text);
  assert.equal(await decodeBody(gz, 'gzip', 16 << 20), text);
  assert.equal(await decodeBody(gz, 'x-gzip', bytes), text);
  const cut = 100;
  assert.equal(await decodeBody(Buffer.concat([gzipSync(text.slice(0, text.length - cut)), gzipSync(text.slice(text.length - cut))]), 'gzip', 16 << 20), text);
  for (const isize of [0, 10, bytes - 1, bytes + 1, 2 ** 32 - 1]) {
    await assert.rejects(decodeBody(withTrailer(gz, isize), 'gzip', 16 << 20), { code: 'bad_gzip', message: /incorrect length check/ }, `trailer ${isize}`);
  }
});

test('the decoded limit holds to the byte, whatever the trailer says', async () => {
  const gz = gzipSync(text);
  const bytes = Buffer.byteLength(text);
  await assert.rejects(decodeBody(gz, 'gzip', bytes - 1), { code: 'decoded_too_large' });
  // A lying trailer is refused too, by whichever check zlib reaches first (as before one-buffer inflation).
  for (const isize of [10, 2 ** 32 - 1]) {
    await assert.rejects(decodeBody(withTrailer(gz, isize), 'gzip', bytes - 1), (err: { code?: string }) => err.code === 'decoded_too_large' || err.code === 'bad_gzip', `trailer ${isize}`);
  }
  const members = Buffer.concat([gzipSync(text), gzipSync('x')]);
  await assert.rejects(decodeBody(members, 'gzip', bytes), { code: 'decoded_too_large' });
  assert.equal(await decodeBody(members, 'gzip', bytes + 1), text + 'x');
});
