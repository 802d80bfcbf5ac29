/**
 * A systemd service failing repeatedly: "<unit>: Failed with result '...'" (one line per failed
 * run) at least 3 times within 10 minutes, or systemd giving up ("Start request repeated too
 * quickly"), which counts as reaching the threshold at once.
 */
import { defineRule, boundedMatch } from '../sdk.js';

const FAILED = /^(\S{1,256}\.service): Failed with result '([^']{1,64})'/;
const GAVE_UP = /^(\S{1,256}\.service): Start request repeated too quickly/;
const THRESHOLD = 3;

export default defineRule({
  id: 'service-crash-loop',
  title: 'Service crash loop',
  description: 'A systemd service failed at least 3 times within 10 minutes, or systemd stopped restarting it.',
  severity: 'high',
  tags: ['attack.impact', 'attack.t1489'],
  match: { kinds: ['syslog'], programs: ['systemd', 'init'] },
  extract(e) {
    const f = boundedMatch(FAILED, e.message);
    if (f) return { unit: f[1], result: f[2] };
    const g = boundedMatch(GAVE_UP, e.message);
    if (g) return { unit: g[1], result: 'start-limit-hit' };
    return null;
  },
  fire: { mode: 'count', threshold: THRESHOLD, windowSec: 600, groupBy: ['host', 'unit'] },
  summary: (c) => `${c.group.unit} on ${c.group.host} failed ${c.count} times within ${c.windowSec}s (${(c.values.result ?? []).join(', ')})`,
});
