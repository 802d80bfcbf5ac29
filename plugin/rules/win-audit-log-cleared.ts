/** An event log was cleared: Security 1102 (audit log) or System 104 (any log): defense evasion. */
import { defineRule, eventData } from '../sdk.js';

export default defineRule({
  id: 'win-audit-log-cleared',
  title: 'Windows event log cleared',
  description: 'The Security audit log (1102) or another event log (System 104) was cleared.',
  severity: 'high',
  tags: ['attack.defense_evasion', 'attack.t1070.001'],
  match: {
    kinds: ['windows'],
    eventIds: [1102, 104],
    where: (e) => {
      const ch = e.source.channel?.toLowerCase();
      return (e.fields.event_id === 1102 && ch === 'security') || (e.fields.event_id === 104 && ch === 'system');
    },
  },
  extract: (e) => ({
    actor: eventData(e, 'SubjectUserName') || eventData(e, 'SubjectUser') || e.fields.actor || 'unknown',
    log: e.fields.event_id === 1102 ? 'Security' : eventData(e, 'Channel') || 'unknown',
  }),
  fire: { mode: 'single', groupBy: ['host', 'log'], quietSec: 0 },
  summary: (c) => `${c.group.log} event log cleared on ${c.group.host} by ${(c.values.actor ?? ['unknown']).join(', ')}`,
});
