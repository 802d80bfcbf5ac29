/** A Windows service terminating unexpectedly again and again (System 7031 / 7034). */
import { defineRule, eventData } from '../sdk.js';

export default defineRule({
  id: 'win-service-crash-loop',
  title: 'Windows service crash loop',
  description: 'A service terminated unexpectedly (System 7031, 7034) at least 3 times within 1 hour.',
  severity: 'medium',
  tags: ['attack.impact', 'attack.t1489'],
  match: { kinds: ['windows'], channels: ['System'], eventIds: [7031, 7034] },
  extract: (e) => ({ service: eventData(e, 'param1') || 'unknown' }),
  fire: { mode: 'count', threshold: 3, windowSec: 3600, groupBy: ['host', 'service'] },
  summary: (c) => `service ${c.group.service} terminated unexpectedly ${c.count} times on ${c.group.host} within ${c.windowSec}s`,
});
