/** One application crashing repeatedly (Application 1000, "Application Error"): instability or exploitation attempts. */
import { defineRule, eventData } from '../sdk.js';

export default defineRule({
  id: 'win-app-crash-burst',
  title: 'Windows application crash burst',
  description: 'At least 5 crashes (Application 1000) of one application on one host within 10 minutes.',
  severity: 'medium',
  tags: ['attack.impact', 'attack.execution', 'attack.t1203'],
  match: { kinds: ['windows'], channels: ['Application'], eventIds: [1000] },
  extract: (e) => ({ app: eventData(e, 'AppName') || 'unknown', module: eventData(e, 'ModuleName') || undefined, exception: eventData(e, 'ExceptionCode') || undefined }),
  fire: { mode: 'count', threshold: 5, windowSec: 600, groupBy: ['host', 'app'] },
  summary: (c) => `${c.group.app} crashed ${c.count} times on ${c.group.host} within ${c.windowSec}s (modules: ${(c.values.module ?? []).join(', ')})`,
});
