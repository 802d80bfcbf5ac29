/** The kernel OOM killer killed a process (host or cgroup out of memory). */
import { defineRule, boundedMatch } from '../sdk.js';

const KILLED = /(?:Out of memory|Memory cgroup out of memory): Kill(?:ed)? process (\d+) \(([^)]{1,64})\)/;
const OOM_KILL = /^oom-kill:.*?\btask=([^,\s]{1,64})/;

export default defineRule({
  id: 'oom-kill',
  title: 'Process killed by the OOM killer',
  description: 'The kernel ran out of memory (or a cgroup hit its limit) and killed a process.',
  severity: 'high',
  tags: ['attack.impact', 'attack.t1499'],
  match: { kinds: ['syslog'], programs: ['kernel'] },
  extract(e) {
    const m = boundedMatch(KILLED, e.message);
    if (m) return { pid: parseInt(m[1]!, 10), process: m[2] };
    const o = boundedMatch(OOM_KILL, e.message);
    if (o) return { process: o[1] };
    return null;
  },
  fire: { mode: 'single', groupBy: ['host'], quietSec: 300 },
  summary: (c) => `OOM killer killed ${(c.values.process ?? ['a process']).join(', ')} on ${c.group.host}`,
});
