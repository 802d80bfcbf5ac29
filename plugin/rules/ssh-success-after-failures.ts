/**
 * A successful SSH login from an address that just failed repeatedly: the brute force likely
 * worked. Sequence: at least 5 failure lines, then an "Accepted" from the same address, within
 * 10 minutes (ordered).
 */
import { defineRule } from '../sdk.js';
import { sshdAuthOf, SSHD_PROGRAMS } from '../lib/sshd.js';

export default defineRule({
  id: 'ssh-success-after-failures',
  title: 'SSH login succeeded after repeated failures',
  description: 'An accepted SSH login from a source address that failed at least 5 times in the 10 minutes before: a likely successful brute force.',
  severity: 'critical',
  tags: ['attack.credential_access', 'attack.t1110', 'attack.initial_access', 'attack.t1078'],
  match: { kinds: ['auth'], programs: SSHD_PROGRAMS },
  extract(e) {
    const a = sshdAuthOf(e);
    if (!a || !a.ip) return null;
    return { src_ip: a.ip, user: a.user, step: a.kind === 'accepted' ? 'success' : 'failure' };
  },
  fire: { mode: 'sequence', ordered: true, windowSec: 600, groupBy: ['src_ip'], steps: [{ name: 'failure', min: 5 }, { name: 'success', min: 1 }] },
  summary: (c) => `SSH login accepted from ${c.group.src_ip} after ${c.count - 1} failures (users: ${(c.values.user ?? []).join(', ')})`,
});
