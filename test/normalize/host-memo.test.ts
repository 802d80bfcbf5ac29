/** canonicalHostCached (the agent's and the syslog line's host, remembered) is canonicalHost, for any input and past its bound. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalHost, canonicalHostCached } from '../../alert-service/src/normalize/fields.js';

test('canonicalHostCached gives what canonicalHost gives, first time and remembered, in both forms', () => {
  const names: unknown[] = ['web1', 'WEB1', 'FS01.corp.example.com', 'fs01.CORP.example.com', '203.0.113.7', '2001:DB8::1', '-', '', ' web1', 'a b', 'x'.repeat(255), 'x'.repeat(256), 'web1.', '.web1', 'h_1:2', 'café', 7, null, undefined, { toString: () => 'web1' }];
  for (let round = 0; round < 3; round++) {
    for (const form of ['short', 'full'] as const) {
      for (const n of names) assert.equal(canonicalHostCached(n, form), canonicalHost(n, form), `${String(n)} ${form}`);
    }
  }
  // Past the bound (4,096 names) the memo starts over and still answers the same.
  for (let i = 0; i < 10_000; i++) {
    const n = i % 3 ? `Host${i}.Example.com` : `bad name ${i}`;
    assert.equal(canonicalHostCached(n, 'short'), canonicalHost(n, 'short'));
  }
  for (const n of names) assert.equal(canonicalHostCached(n, 'short'), canonicalHost(n, 'short'));
});
