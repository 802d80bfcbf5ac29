/**
 * Every annotated line of fail2ban's own sshd sample logs (test/fixtures/fail2ban-sshd, GPL-2 test
 * data, see its README) gets fail2ban's verdict from Logward's sshd tracker: failure or not, the
 * same address, the same user where the annotation names one, in every mode the file tests.
 * Like fail2ban's test runner, one tracker per option set lives for the whole file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { optionsKey, readSamples, type SampleLine } from '../../alert-service/bench/fail2ban-samples.js';
import { SshdTracker, type SshdMode } from '../../plugin/lib/sshd.js';
import { ev, lines } from './helpers.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'fail2ban-sshd');

/** A journald sample line ("srv sshd[13709]: message"), as the journald input delivers it: host, program, pid, message. */
function journalEvent(line: string, i: number): LogEvent {
  const m = /^(\S+) (\S+?)\[(\d+)\]: (.*)$/.exec(line);
  assert.ok(m, `journal sample line not understood: ${line}`);
  return ev(i, { host: m[1]!, program: m[2]!, pid: Number(m[3]), message: m[4]!, source: { kind: 'auth' } });
}

function replay(samples: SampleLine[], toEvent: (line: string, i: number) => LogEvent): { checked: number; byMode: Map<string, number>; mismatches: string[] } {
  const trackers = new Map<string, SshdTracker>();
  const mismatches: string[] = [];
  const byMode = new Map<string, number>();
  let checked = 0;
  samples.forEach((s, i) => {
    const event = toEvent(s.line, i);
    for (const opts of s.options) {
      const key = optionsKey(opts);
      let t = trackers.get(key);
      if (!t) trackers.set(key, (t = new SshdTracker((opts.mode as SshdMode | undefined) ?? 'normal', 100)));
      const v = t.verdict(event);
      const mode = (opts.mode as string | undefined) ?? 'normal';
      byMode.set(mode, (byMode.get(mode) ?? 0) + 1);
      checked++;
      const got = v?.failure === true;
      const where = `line ${s.lineNo} [${mode}] ${s.line}`;
      if (got !== s.expect.match) {
        mismatches.push(`${where}: expected ${s.expect.match ? 'failure' : 'no failure'}, got ${got ? `failure (${v?.regex})` : `none (${v?.regex ?? 'no regex'})`}`);
        continue;
      }
      if (!got) continue;
      if (s.expect.host !== undefined && v!.ip !== s.expect.host) mismatches.push(`${where}: address ${v!.ip}, fail2ban ${s.expect.host}`);
      if (s.expect.user !== undefined && v!.user !== s.expect.user) mismatches.push(`${where}: user ${JSON.stringify(v!.user)}, fail2ban ${JSON.stringify(s.expect.user)}`);
      if (s.expect.users !== undefined) assert.deepEqual([...(v!.users ?? [])].sort(), [...s.expect.users].sort(), where);
    }
  });
  return { checked, byMode, mismatches };
}

test('fail2ban sshd samples (syslog file): every annotated line, normal, ddos, extra and aggressive modes', () => {
  const samples = readSamples(join(DIR, 'sshd'));
  assert.ok(samples.length >= 140, `read ${samples.length} annotated lines`);
  // each line through the service's normalizer, as analyze and the agent's tail input deliver it
  const r = replay(samples, (line) => lines('auth', [line])[0]!);
  assert.deepEqual(r.mismatches, []);
  for (const mode of ['normal', 'ddos', 'extra', 'aggressive']) assert.ok((r.byMode.get(mode) ?? 0) > 10, `${mode}: ${r.byMode.get(mode)} checks`);
});

test('fail2ban sshd samples (journald): every annotated line in every mode', () => {
  const samples = readSamples(join(DIR, 'sshd-journal'));
  assert.ok(samples.length >= 120, `read ${samples.length} annotated lines`);
  const r = replay(samples, journalEvent);
  assert.deepEqual(r.mismatches, []);
  assert.ok(r.checked > samples.length);
});
