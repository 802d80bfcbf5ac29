/**
 * Group changes: a user added to a group (usermod -aG, gpasswd -a, useradd -G) or a new group
 * created. Membership of sudo/wheel/admin/root/adm/docker/lxd grants privileges: those alerts
 * carry privileged=yes in the summary.
 */
import { defineRule, boundedMatch } from '../sdk.js';

const PATTERNS: Array<[RegExp, 'member' | 'new_group', number, number]> = [
  // usermod[..]: add 'bob' to group 'sudo'  /  add 'bob' to shadow group 'sudo'
  [/^add '([^']{1,256})' to (?:shadow )?group '([^']{1,256})'/, 'member', 1, 2],
  // gpasswd[..]: user bob added by root to group sudo
  [/^user (\S+) added by \S+ to group (\S+)/, 'member', 1, 2],
  // useradd[..]: add 'bob' to group 'docker' is covered above; groupadd: new group: name=ops, GID=1005
  [/^new group: name=([^,\s]+)/, 'new_group', 0, 1],
];

const PRIVILEGED = new Set(['sudo', 'wheel', 'admin', 'root', 'adm', 'docker', 'lxd', 'disk', 'shadow']);

export default defineRule({
  id: 'linux-group-change',
  title: 'Local group membership changed',
  description: 'A user was added to a local group, or a new group was created.',
  severity: 'medium',
  tags: ['attack.persistence', 'attack.privilege_escalation', 'attack.t1098'],
  match: { kinds: ['auth'], programs: ['usermod', 'gpasswd', 'useradd', 'groupadd', 'adduser'] },
  extract(e) {
    for (const [re, change, userGroup, groupGroup] of PATTERNS) {
      const m = boundedMatch(re, e.message);
      if (!m) continue;
      const group = m[groupGroup]!;
      return { change, user: userGroup ? m[userGroup] : '', group, privileged: PRIVILEGED.has(group) ? 'yes' : 'no' };
    }
    return null;
  },
  fire: { mode: 'single', groupBy: ['host', 'group', 'user'], quietSec: 60 }, // usermod logs group and gshadow: one alert
  summary: (c) =>
    c.group.user ? `${c.group.user} added to group ${c.group.group} on ${c.group.host}${c.values.privileged?.includes('yes') ? ' (privileged group)' : ''}` : `new group ${c.group.group} created on ${c.group.host}`,
});
