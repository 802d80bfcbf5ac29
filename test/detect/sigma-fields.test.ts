/**
 * Sigma field reads (fields.ts) against their plain meaning: `name in event_data` then the
 * value, else the fixed, fallback and `extra` fields. Generated events (seeded) with
 * dictionary-mode and fast EventData objects, names Object.prototype holds, null / object /
 * number / empty values, getters created between reads of one event, the same event's EventData
 * replaced; and the keyword texts, raw and lower-cased, joined and not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keywordHaystack, keywordRaw, keywordTexts, sigmaGetter } from '../../alert-service/src/detect/sigma/fields.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';
import { win } from './helpers.js';

const FIXED_LIKE = ['Message', 'Computer', 'ProcessName', 'Host', 'program', 'severity', 'pid'];
const FALLBACK_LIKE = ['IpAddress', 'TargetUserName', 'SubjectUserName', 'LogonType', 'User', 'src_ip'];
const PROTO = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'];
const PLAIN = ['Image', 'CommandLine', 'Hashes', 'ParentImage', 'Details', '0', 'Threat Name', 'İmage', 'k\u212a'];
const NAMES = [...FIXED_LIKE, ...FALLBACK_LIKE, ...PROTO, ...PLAIN];

/** The plain reading: the `in` test on EventData, then the event's own fields. */
function reference(field: string, e: LogEvent): string | number | undefined {
  const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'boolean' ? String(v) : undefined);
  const data = e.fields.event_data;
  const lower = field.toLowerCase();
  const system = ['eventid', 'channel', 'provider_name', 'provider', 'computer', 'computername', 'hostname', 'host'];
  if (system.includes(lower)) return sigmaGetter(field)(e); // never read from EventData (unchanged code path)
  if (data && field in data) return scalar((data as Record<string, unknown>)[field]);
  return undefined;
}

function randomEvent(r: () => number, k: number): LogEvent {
  const values: unknown[] = ['', 'x', 'C:\\Windows\\System32\\cmd.exe', 42, 0, null, { a: 1 }, true, 'İSTANBUL', 'a\u212ab'];
  const data: Record<string, unknown> = {};
  for (const n of NAMES) if (r() < 0.35) data[n] = values[Math.floor(r() * values.length)];
  // Some objects in dictionary mode, as many normalized EventData objects are.
  if (r() < 0.5) {
    data.tmp = 1;
    delete data.tmp;
  }
  const e = win(k, 1, 'Microsoft-Windows-Sysmon/Operational', data as Record<string, string>, { src_ip: '10.0.0.1', user: 'alice', ...(r() < 0.3 ? { extra: { Image: 'from-extra', Other: 7 } } : {}) });
  if (r() < 0.1) delete e.fields.event_data;
  return e;
}

test('sigmaGetter reads what the in-test says (prototype names, non-scalars, fallbacks, absent EventData)', () => {
  const r = mulberry32(7).next;
  const getters = new Map<string, ReturnType<typeof sigmaGetter>>();
  for (let k = 0; k < 3000; k++) {
    const e = randomEvent(r, k);
    // Reads of one event, in random order, with getters created between them.
    for (let i = 0; i < 12; i++) {
      const name = NAMES[Math.floor(r() * NAMES.length)]!;
      let get = getters.get(name);
      if (!get || r() < 0.05) getters.set(name, (get = sigmaGetter(name)));
      const data = e.fields.event_data;
      const got = get(e);
      const inData = data !== undefined && name in data;
      if (inData || ['eventid', 'channel', 'computer', 'host'].includes(name.toLowerCase())) assert.deepEqual(got, reference(name, e), `${name} on ${JSON.stringify(data)}`);
      else {
        // Not in EventData: the fallbacks answer, the same on a copy of the event.
        const copy = { ...e, fields: { ...e.fields, event_data: data ? { ...data } : undefined } } as LogEvent;
        if (!copy.fields.event_data) delete copy.fields.event_data;
        assert.deepEqual(got, sigmaGetter(name)(copy), `${name} fallback`);
      }
    }
  }
});

test('getters made after an event was read still read it; replaced EventData is read anew', () => {
  const e = win(0, 1, 'Microsoft-Windows-Sysmon/Operational', { Image: 'a.exe', LateName: 'late' });
  assert.equal(sigmaGetter('Image')(e), 'a.exe');
  assert.equal(sigmaGetter('LateName' + '')(e), 'late');
  assert.equal(sigmaGetter('BrandNewName')(e), undefined);
  e.fields.event_data = { Image: 'b.exe', BrandNewName: 'now' };
  assert.equal(sigmaGetter('Image')(e), 'b.exe');
  assert.equal(sigmaGetter('BrandNewName')(e), 'now');
});

test('keyword texts: message then every non-empty string EventData value in key order, joined and lower-cased alike', () => {
  const r = mulberry32(9).next;
  for (let k = 0; k < 500; k++) {
    const e = randomEvent(r, k);
    e.message = r() < 0.3 ? '' : `Msg İ ${k}`;
    const data = (e.fields.event_data ?? {}) as Record<string, unknown>;
    const strings: string[] = [];
    for (const key in data) if (typeof data[key] === 'string' && data[key]) strings.push(data[key] as string);
    assert.deepEqual([...keywordTexts(e, false)], [e.message, ...strings]);
    assert.deepEqual([...keywordTexts(e, true)], [e.message, ...strings].map((t) => t.toLowerCase()));
    assert.equal(keywordRaw(e), [e.message, ...strings].join('\n'));
    assert.equal(keywordHaystack(e), [e.message, ...strings].join('\n').toLowerCase());
  }
});

test('names Object.prototype holds read EventData only, never its members (constructor, __proto__)', () => {
  const e = win(0, 1, 'Security', { Image: 'a.exe' });
  for (const name of PROTO) assert.equal(sigmaGetter(name)(e), undefined, name);
  const f = win(0, 1, 'Security', JSON.parse('{"constructor": "c", "__proto__": "p", "toString": 5}') as Record<string, string>);
  assert.equal(sigmaGetter('constructor')(f), 'c');
  assert.equal(sigmaGetter('__proto__')(f), 'p');
  assert.equal(sigmaGetter('toString')(f), 5);
});
