/**
 * A successful SSH login from an address that just failed repeatedly: the brute force likely
 * worked. Sequence: at least 5 failures (as fail2ban counts them, plugin/lib/sshd.ts, setting
 * `mode`), then an "Accepted" from the same address, within 10 minutes (ordered). A session whose
 * failed public keys end in "Accepted publickey" adds no failures (fail2ban's F-NOFAIL), so a
 * user with several keys does not trip it.
 */
import { defineRule } from '../sdk.js';
import { sshdRule } from '../lib/sshd.js';

export default defineRule({
  id: 'ssh-success-after-failures',
  title: 'SSH login succeeded after repeated failures',
  description: 'An accepted SSH login from a source address that failed at least 5 times in the 10 minutes before: a likely successful brute force.',
  severity: 'critical',
  tags: ['attack.credential_access', 'attack.t1110', 'attack.initial_access', 'attack.t1078'],
  // An Accepted line is the success step even when fail2ban also counts it as a failure (a
  // session that tried several users before logging in).
  ...sshdRule((v) => (!v.ip ? null : v.accepted ? { src_ip: v.ip, user: v.user, step: 'success' } : v.failure ? { src_ip: v.ip, user: v.user, step: 'failure' } : null)),
  fire: { mode: 'sequence', ordered: true, windowSec: 600, groupBy: ['src_ip'], steps: [{ name: 'failure', min: 5 }, { name: 'success', min: 1 }] },
  summary: (c) => `SSH login accepted from ${c.group.src_ip} after ${c.count - 1} failures (users: ${(c.values.user ?? []).join(', ')})`,
});
