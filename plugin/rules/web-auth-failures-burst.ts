/** Bursts of 401/403 answers to one client: credential guessing against a web login or forbidden probing. */
import { defineRule } from '../sdk.js';

export default defineRule({
  id: 'web-auth-failures-burst',
  title: 'Burst of HTTP 401/403 from one client',
  description: 'At least 10 responses with status 401 or 403 to one client address within 1 minute.',
  severity: 'medium',
  tags: ['attack.credential_access', 'attack.t1110', 'attack.reconnaissance', 'attack.t1595'],
  match: { kinds: ['web_access'], where: (e) => e.fields.http_status === 401 || e.fields.http_status === 403 },
  extract(e) {
    if (!e.fields.src_ip) return null;
    return { src_ip: e.fields.src_ip, status: e.fields.http_status, path: e.fields.http_path, user: e.fields.user };
  },
  fire: { mode: 'count', threshold: 10, windowSec: 60, groupBy: ['src_ip'] },
  summary: (c) => `${c.count} HTTP 401/403 responses to ${c.group.src_ip} within ${c.windowSec}s (paths: ${(c.values.path ?? []).slice(0, 5).join(', ')})`,
});
