/** A scheduled task was created (Security 4698): persistence and remote execution. */
import { defineRule, eventData } from '../sdk.js';

export default defineRule({
  id: 'win-scheduled-task-created',
  title: 'Windows scheduled task created',
  description: 'A scheduled task was created (Security 4698).',
  severity: 'medium',
  tags: ['attack.persistence', 'attack.execution', 'attack.t1053.005'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4698] },
  extract: (e) => ({ task: eventData(e, 'TaskName') || 'unknown', actor: eventData(e, 'SubjectUserName') || e.fields.actor }),
  fire: { mode: 'single', groupBy: ['host', 'task'], quietSec: 0 },
  summary: (c) => `scheduled task ${c.group.task} created on ${c.group.host} by ${(c.values.actor ?? ['unknown']).join(', ')}`,
});
