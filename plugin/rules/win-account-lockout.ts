/** An account was locked out (Security 4740), usually after repeated wrong passwords. */
import { defineRule, eventData } from '../sdk.js';

export default defineRule({
  id: 'win-account-lockout',
  title: 'Windows account locked out',
  description: 'A user account was locked out (Security 4740).',
  severity: 'medium',
  tags: ['attack.credential_access', 'attack.t1110'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4740] },
  extract: (e) => ({ user: eventData(e, 'TargetUserName') || e.fields.user || 'unknown', caller: eventData(e, 'TargetDomainName') || undefined }),
  fire: { mode: 'single', groupBy: ['host', 'user'] },
  summary: (c) => `account ${c.group.user} locked out on ${c.group.host}${c.values.caller ? ` (caller computer ${c.values.caller.join(', ')})` : ''}`,
});
