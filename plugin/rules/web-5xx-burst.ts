/** Bursts of server errors (HTTP 5xx) on one host: an outage, or an attack tripping errors. */
import { defineRule } from '../sdk.js';

export default defineRule({
  id: 'web-5xx-burst',
  title: 'Burst of HTTP 5xx responses',
  description: 'At least 20 responses with a 5xx status on one host within 1 minute.',
  severity: 'medium',
  tags: ['attack.impact', 'attack.t1499'],
  match: { kinds: ['web_access'], where: (e) => (e.fields.http_status ?? 0) >= 500 },
  extract: (e) => ({ status: e.fields.http_status, path: e.fields.http_path, src_ip: e.fields.src_ip }),
  fire: { mode: 'count', threshold: 20, windowSec: 60, groupBy: ['host'] },
  summary: (c) => `${c.count} HTTP 5xx responses on ${c.group.host} within ${c.windowSec}s (statuses ${(c.values.status ?? []).join(', ')})`,
});
