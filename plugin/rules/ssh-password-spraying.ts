/**
 * Password spraying / user enumeration over SSH: one source address trying many different
 * account names (invalid or valid) in a short time.
 */
import { defineRule } from '../sdk.js';
import { isSshdFailure, sshdAuthOf, SSHD_PROGRAMS } from '../lib/sshd.js';

export default defineRule({
  id: 'ssh-password-spraying',
  title: 'SSH password spraying',
  description: 'Failed SSH authentications for at least 5 different users from one source address within 10 minutes.',
  severity: 'high',
  tags: ['attack.credential_access', 'attack.t1110.003', 'attack.discovery', 'attack.t1087'],
  match: { kinds: ['auth'], programs: SSHD_PROGRAMS },
  extract(e) {
    const a = sshdAuthOf(e);
    if (!isSshdFailure(a) || !a.ip || !a.user) return null;
    return { src_ip: a.ip, user: a.user };
  },
  fire: { mode: 'distinct', field: 'user', threshold: 5, windowSec: 600, groupBy: ['src_ip'] },
  summary: (c) => `${c.count} different users tried over SSH from ${c.group.src_ip}: ${(c.values.user ?? []).join(', ')}`,
});
