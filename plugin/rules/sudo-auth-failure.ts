/**
 * sudo password failures: "N incorrect password attempts" and pam_unix(sudo:auth) failures.
 * One alert per host and user per quiet period.
 */
import { defineRule, boundedMatch } from '../sdk.js';

const INCORRECT = /^\s*(\S+) : (\d+ )?incorrect passwords? attempts?/;
const PAM = /^pam_unix\(sudo(?:-i)?:auth\): authentication failure;/;
const PAM_USER = /\buser=(\S+)/;

export default defineRule({
  id: 'sudo-auth-failure',
  title: 'sudo authentication failure',
  description: 'A user failed to authenticate to sudo (wrong password).',
  severity: 'medium',
  tags: ['attack.privilege_escalation', 'attack.t1548.003', 'attack.credential_access', 'attack.t1110'],
  // by program whatever file kind carried the line (auth.log, RHEL /var/log/secure or messages, journald)
  match: { programs: ['sudo'] },
  extract(e) {
    const inc = boundedMatch(INCORRECT, e.message);
    if (inc) return { user: inc[1], attempts: inc[2] ? parseInt(inc[2], 10) : 1 };
    if (boundedMatch(PAM, e.message)) {
      const user = boundedMatch(PAM_USER, e.message)?.[1];
      return user ? { user } : null;
    }
    return null;
  },
  fire: { mode: 'single', groupBy: ['host', 'user'] },
  summary: (c) => `sudo authentication failed for ${c.group.user} on ${c.group.host}`,
});
