/** A user without sudo rights tried sudo: "alice : user NOT in sudoers ; TTY=... ; COMMAND=...". */
import { defineRule, boundedMatch } from '../sdk.js';

const NOT_IN = /^\s*(\S+) : (?:user NOT in sudoers|user NOT authorized on host|command not allowed)\b/;

export default defineRule({
  id: 'sudo-not-in-sudoers',
  title: 'sudo attempt by user not in sudoers',
  description: 'A user who is not allowed to use sudo tried to run a command as another user.',
  severity: 'high',
  tags: ['attack.privilege_escalation', 'attack.t1548.003'],
  // by program whatever file kind carried the line (auth.log, RHEL /var/log/secure or messages, journald)
  match: { programs: ['sudo'] },
  extract(e) {
    const m = boundedMatch(NOT_IN, e.message);
    if (!m) return null;
    const at = e.message.indexOf('; COMMAND=');
    return { user: m[1], command: at < 0 ? undefined : e.message.slice(at + 10, at + 522) };
  },
  fire: { mode: 'single', groupBy: ['host', 'user'] },
  summary: (c) => `${c.group.user} is not in sudoers and tried sudo on ${c.group.host}`,
});
