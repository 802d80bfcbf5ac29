/** Windows failed logons (4625) for one account from anywhere: targeted guessing, or a stale credential. */
import { defineRule, eventData } from '../sdk.js';

export default defineRule({
  id: 'win-failed-logon-burst-account',
  title: 'Windows failed logon burst for one account',
  description: 'At least 10 failed logons (Security 4625) for one account within 5 minutes.',
  severity: 'medium',
  tags: ['attack.credential_access', 'attack.t1110'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4625] },
  extract(e) {
    const user = eventData(e, 'TargetUserName') || e.fields.user;
    if (!user) return null;
    const domain = eventData(e, 'TargetDomainName');
    return { account: domain ? `${domain}\\${user}` : user, src_ip: eventData(e, 'IpAddress') || e.fields.src_ip };
  },
  fire: { mode: 'count', threshold: 10, windowSec: 300, groupBy: ['host', 'account'] },
  summary: (c) => `${c.count} failed logons for ${c.group.account} on ${c.group.host} within ${c.windowSec}s (from ${(c.values.src_ip ?? []).join(', ') || 'local'})`,
});
