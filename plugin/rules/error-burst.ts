/** Repeated errors: many error-level events from one program on one host (the seeds' "repeated errors"). */
import { defineRule } from '../sdk.js';

const ERROR_LEVELS = new Set(['error', 'critical', 'alert', 'emergency']);

export default defineRule({
  id: 'error-burst',
  title: 'Burst of errors from one program',
  description: 'At least 20 error-level events (error, critical, alert, emergency) from one program on one host within 5 minutes.',
  severity: 'medium',
  tags: ['attack.impact'],
  match: { kinds: ['syslog', 'app', 'web_error', 'auth'], where: (e) => ERROR_LEVELS.has(e.severity) },
  extract: (e) => ({ program: e.program ?? e.source.path ?? 'unknown' }),
  fire: { mode: 'count', threshold: 20, windowSec: 300, groupBy: ['host', 'program'] },
  summary: (c) => `${c.count} errors from ${c.group.program} on ${c.group.host} within ${c.windowSec}s`,
});
