/** A user account was created (Security 4720). */
import { defineRule, eventData } from '../sdk.js';

export default defineRule({
  id: 'win-user-created',
  title: 'Windows user account created',
  description: 'A user account was created (Security 4720).',
  severity: 'medium',
  tags: ['attack.persistence', 'attack.t1136', 'attack.t1136.001', 'attack.t1136.002'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4720] },
  extract(e) {
    const user = eventData(e, 'TargetUserName') || e.fields.user;
    if (!user) return null;
    return { user, domain: eventData(e, 'TargetDomainName') || undefined, actor: eventData(e, 'SubjectUserName') || e.fields.actor };
  },
  fire: { mode: 'single', groupBy: ['host', 'user'], quietSec: 0 },
  summary: (c) => `user ${c.group.user} created on ${c.group.host} by ${(c.values.actor ?? ['unknown']).join(', ')}`,
});
