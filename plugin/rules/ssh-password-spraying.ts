/**
 * Password spraying / user enumeration over SSH: one source address trying many different
 * account names (invalid or valid) in a short time. Reads the same fail2ban-parity failures as
 * ssh-brute-force (plugin/lib/sshd.ts, setting `mode`); the user is the one fail2ban's regex
 * captures for the failure (the session's latest user for lines that name none).
 */
import { defineRule } from '../sdk.js';
import { sshdRule } from '../lib/sshd.js';

export default defineRule({
  id: 'ssh-password-spraying',
  title: 'SSH password spraying',
  description: 'Failed SSH authentications for at least 5 different users from one source address within 10 minutes.',
  severity: 'high',
  tags: ['attack.credential_access', 'attack.t1110.003', 'attack.discovery', 'attack.t1087'],
  ...sshdRule((v) => (v.failure && v.ip && v.user ? { src_ip: v.ip, user: v.user } : null)),
  fire: { mode: 'distinct', field: 'user', threshold: 5, windowSec: 600, groupBy: ['src_ip'] },
  summary: (c) => `${c.count} different users tried over SSH from ${c.group.src_ip}: ${(c.values.user ?? []).join(', ')}`,
});
