import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBaseline, deviations, medianInPlace } from '../../alert-service/src/anomaly/baseline.js';
import { slotter } from '../../alert-service/src/anomaly/time-slot.js';

const slotOf = slotter('UTC');
import { FEATURES, emptyFeatures } from '../../alert-service/src/anomaly/features.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';

test('medianInPlace equals the sorted median, for odd/even lengths, duplicates and constant runs', () => {
  const rng = mulberry32(3);
  for (let trial = 0; trial < 500; trial++) {
    const m = 1 + rng.int(60);
    const v = Float64Array.from({ length: m }, () => (trial % 3 === 0 ? rng.int(3) : rng.next() * 100));
    const sorted = Float64Array.from(v).sort();
    const expected = m % 2 ? sorted[(m - 1) / 2]! : (sorted[m / 2 - 1]! + sorted[m / 2]!) / 2;
    assert.equal(medianInPlace(v), expected);
  }
  assert.equal(medianInPlace(new Float64Array(0)), 0);
});

test('per-slot baselines remove day/night seasonality; the MAD floor turns a spike in a constant feature into a finite z', () => {
  const start = Date.UTC(2026, 0, 5); // Monday
  const hours: number[] = [];
  const values: number[] = [];
  for (let h = 0; h < 14 * 24; h++) {
    const hour = start + h * 3_600_000;
    const day = new Date(hour).getUTCHours() >= 8 && new Date(hour).getUTCHours() < 20;
    hours.push(hour);
    for (const f of FEATURES) values.push(f === 'total' || f === 'info' ? (day ? 1000 + (h % 7) * 10 : 50 + (h % 5)) : 0);
  }
  const b = buildBaseline(hours, values, slotOf);
  const at = (hourUtc: number, total: number, auth = 0) => {
    const f = emptyFeatures();
    f.total = total;
    f.info = total;
    f.auth_failures = auth;
    const hour = Date.UTC(2026, 0, 20, hourUtc); // a Tuesday
    return Object.fromEntries(deviations(b, hour, f, slotOf).map((d) => [d.feature, d]));
  };
  assert.ok(Math.abs(at(14, 1030).total!.z) < 1, 'normal afternoon volume');
  assert.ok(Math.abs(at(3, 52).total!.z) < 1, 'normal night volume is not a "drop"');
  assert.ok(at(3, 1000).total!.z > 5, 'afternoon volume at night is a surge');
  assert.ok(at(14, 0).total!.z < -10, 'silence in the afternoon');
  const spike = at(14, 1030, 240).auth_failures!;
  assert.equal(spike.median, 0);
  assert.ok(Number.isFinite(spike.z) && spike.z > 10, `auth spike z=${spike.z}`);
  assert.notEqual(slotOf(Date.UTC(2026, 0, 20, 3)), slotOf(Date.UTC(2026, 0, 24, 3)), 'weekday and weekend slots differ');
});

test('slots follow the configured zone: local hour of day, local weekend', () => {
  const berlin = slotter('Europe/Berlin');
  const utc = slotter('UTC');
  assert.equal(utc(Date.UTC(2026, 0, 20, 3)), 3);
  assert.equal(berlin(Date.UTC(2026, 0, 20, 3)), 4, 'CET is UTC+1 in January');
  assert.equal(berlin(Date.UTC(2026, 6, 21, 3)), 5, 'CEST is UTC+2 in July');
  // Friday 23:00 UTC is already Saturday 00:00 in Berlin: a weekend slot there, a weekday slot in UTC.
  assert.equal(utc(Date.UTC(2026, 0, 23, 23)), 23);
  assert.equal(berlin(Date.UTC(2026, 0, 23, 23)), 24);
  assert.equal(slotter('America/New_York')(Date.UTC(2026, 0, 20, 3)), 22, 'Monday 22:00 in New York');
});
