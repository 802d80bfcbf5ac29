/** Windows failed logons (4625) from one source address: network brute force (SMB/RDP/NTLM). */
import { defineRule, eventData } from '../sdk.js';

export default defineRule({
  id: 'win-failed-logon-burst-ip',
  title: 'Windows failed logon burst from one address',
  description: 'At least 10 failed logons (Security 4625) from one source network address within 5 minutes.',
  severity: 'high',
  tags: ['attack.credential_access', 'attack.t1110', 'attack.t1110.001'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4625] },
  extract(e) {
    const ip = eventData(e, 'IpAddress') || e.fields.src_ip;
    if (!ip) return null; // local logon failures carry no address ('-'): the per-account rule covers them
    return { src_ip: ip, user: eventData(e, 'TargetUserName') || e.fields.user, workstation: eventData(e, 'WorkstationName') || undefined, logon_type: e.fields.logon_type };
  },
  fire: { mode: 'count', threshold: 10, windowSec: 300, groupBy: ['src_ip'] },
  summary: (c) => `${c.count} failed Windows logons from ${c.group.src_ip} within ${c.windowSec}s (accounts: ${(c.values.user ?? []).join(', ')})`,
});
