/**
 * A member was added to a privileged security group: global (4728), local (4732) or universal
 * (4756). Privileged: well-known SIDs (Administrators S-1-5-32-544, Domain Admins -512, Schema
 * Admins -518, Enterprise Admins -519, ...) or well-known names.
 */
import { defineRule, eventData } from '../sdk.js';

const PRIVILEGED_NAMES = new Set([
  'administrators', 'domain admins', 'enterprise admins', 'schema admins', 'account operators', 'backup operators', 'server operators',
  'print operators', 'dnsadmins', 'group policy creator owners', 'remote desktop users', 'remote management users', 'hyper-v administrators',
  'enterprise key admins', 'key admins', 'administrateurs', 'administratoren',
]);
const BUILTIN_SIDS = new Set(['S-1-5-32-544', 'S-1-5-32-548', 'S-1-5-32-549', 'S-1-5-32-550', 'S-1-5-32-551', 'S-1-5-32-555', 'S-1-5-32-578', 'S-1-5-32-580']);
// Fixed RIDs of domain groups. DnsAdmins has none (its RID is assigned when it is created): matched by name.
const DOMAIN_RIDS = ['-512', '-518', '-519', '-520', '-526', '-527'];

export function isPrivilegedGroup(name: string, sid: string): boolean {
  if (BUILTIN_SIDS.has(sid)) return true;
  if (sid.startsWith('S-1-5-21-') && DOMAIN_RIDS.some((r) => sid.endsWith(r))) return true;
  return PRIVILEGED_NAMES.has(name.toLowerCase());
}

export default defineRule({
  id: 'win-privileged-group-add',
  title: 'Member added to a privileged Windows group',
  description: 'A member was added to a privileged security-enabled group (Security 4728, 4732, 4756).',
  severity: 'high',
  tags: ['attack.persistence', 'attack.privilege_escalation', 'attack.t1098'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4728, 4732, 4756] },
  extract(e) {
    const group = eventData(e, 'TargetUserName');
    if (!isPrivilegedGroup(group, eventData(e, 'TargetSid'))) return null;
    const member = eventData(e, 'MemberName') || eventData(e, 'MemberSid') || 'unknown';
    return { group, member, actor: eventData(e, 'SubjectUserName') || e.fields.actor };
  },
  fire: { mode: 'single', groupBy: ['host', 'group', 'member'], quietSec: 0 },
  summary: (c) => `${c.group.member} added to ${c.group.group} on ${c.group.host} by ${(c.values.actor ?? ['unknown']).join(', ')}`,
});
