/** Failed su: "FAILED SU (to root) alice on pts/0", "FAILED su for root by alice", pam_unix(su:auth) failures. */
import { defineRule, boundedMatch } from '../sdk.js';

const FAILED_SU = /^FAILED SU \(to (\S+)\) (\S+) on/;
const FAILED_FOR = /^FAILED su for (\S+) by (\S+)/;
const PAM = /^pam_unix\(su(?:-l)?:auth\): authentication failure;/;
const PAM_RUSER = /\bruser=(\S*)/;
const PAM_USER = /\buser=(\S+)/;

export default defineRule({
  id: 'su-failure',
  title: 'su authentication failure',
  description: 'A user failed to switch user with su (wrong password).',
  severity: 'medium',
  tags: ['attack.privilege_escalation', 'attack.credential_access', 'attack.t1110'],
  // by program whatever file kind carried the line (auth.log, RHEL /var/log/secure or messages, journald)
  match: { programs: ['su'] },
  extract(e) {
    let m = boundedMatch(FAILED_SU, e.message);
    if (m) return { user: m[1], actor: m[2] };
    m = boundedMatch(FAILED_FOR, e.message);
    if (m) return { user: m[1], actor: m[2] };
    if (boundedMatch(PAM, e.message)) {
      const user = boundedMatch(PAM_USER, e.message)?.[1];
      if (!user) return null;
      return { user, actor: boundedMatch(PAM_RUSER, e.message)?.[1] || undefined };
    }
    return null;
  },
  fire: { mode: 'single', groupBy: ['host', 'user'] },
  summary: (c) => `su to ${c.group.user} failed on ${c.group.host}${c.values.actor ? ` (by ${c.values.actor.join(', ')})` : ''}`,
});
