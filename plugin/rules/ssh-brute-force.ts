/**
 * SSH brute force: 10 failures from one source address within 5 minutes.
 *
 * Parity with fail2ban (sshd jail, maxretry 10, findtime 300): a failure is exactly what
 * fail2ban 1.0.2's `filter.d/sshd.conf` counts towards maxretry, in its `normal` mode by default
 * (setting `mode`: ddos, extra or aggressive, as `filter = sshd[mode=...]`): the same failregexes
 * on every format it knows and the same multi-line session merge (plugin/lib/sshd-session.ts), so
 * "pam_unix ... authentication failure" + "Failed password" of one attempt count once, a session
 * that ends in "Accepted" after NOFAIL lines counts nothing, and "Invalid user" + "Failed
 * password" count twice, as fail2ban counts them. The address is the one fail2ban's anchored
 * regex takes. Verified line by line against fail2ban's own annotated sshd test logs
 * (test/detect/sshd-fail2ban.test.ts) and against fail2ban-regex by `npm run bench:sshd`.
 * Two known differences: the window slides exactly (fail2ban approximates findtime by scaling its
 * count, failmanager.py adjustTime), and a host name sshd logged (UseDNS) is grouped as written
 * rather than resolved to its addresses.
 */
import { defineRule } from '../sdk.js';
import { sshdRule } from '../lib/sshd.js';

export default defineRule({
  id: 'ssh-brute-force',
  title: 'SSH brute force',
  description: 'At least 10 failed SSH authentications (as fail2ban counts them) from one source address within 5 minutes.',
  severity: 'high',
  tags: ['attack.credential_access', 'attack.t1110', 'attack.t1110.001'],
  ...sshdRule((v) => (v.failure && v.ip ? { src_ip: v.ip, user: v.user, failure: v.regex } : null)),
  fire: { mode: 'count', threshold: 10, windowSec: 300, groupBy: ['src_ip'] },
  summary: (c) => `${c.count} failed SSH logins from ${c.group.src_ip} within ${c.windowSec}s (users: ${(c.values.user ?? []).join(', ') || 'unknown'})`,
});
