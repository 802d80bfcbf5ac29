/**
 * SSH brute force: many failed authentications from one source address. Counts every failure
 * line sshd writes (failed password/publickey/keyboard-interactive, invalid user, PAM failure,
 * max attempts exceeded, too many failures, user not allowed), like fail2ban's sshd filter: one
 * password attempt for an invalid user writes two such lines.
 */
import { defineRule } from '../sdk.js';
import { isSshdFailure, sshdAuthOf, SSHD_PROGRAMS } from '../lib/sshd.js';

export default defineRule({
  id: 'ssh-brute-force',
  title: 'SSH brute force',
  description: 'At least 10 failed SSH authentications from one source address within 5 minutes.',
  severity: 'high',
  tags: ['attack.credential_access', 'attack.t1110', 'attack.t1110.001'],
  match: { kinds: ['auth'], programs: SSHD_PROGRAMS },
  extract(e) {
    const a = sshdAuthOf(e);
    if (!isSshdFailure(a) || !a.ip) return null;
    return { src_ip: a.ip, user: a.user, failure: a.kind };
  },
  fire: { mode: 'count', threshold: 10, windowSec: 300, groupBy: ['src_ip'] },
  summary: (c) => `${c.count} failed SSH logins from ${c.group.src_ip} within ${c.windowSec}s (users: ${(c.values.user ?? []).join(', ') || 'unknown'})`,
});
