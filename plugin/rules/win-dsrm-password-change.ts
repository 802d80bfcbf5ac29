/**
 * The Directory Services Restore Mode (DSRM) administrator password of a domain controller was
 * set. With DsrmAdminLogonBehavior = 2 that local account can log on over the network: an
 * attacker who sets it keeps a backdoor administrator on the DC (T1098).
 *
 * Event: Security 4794 "An attempt was made to set the Directory Services Restore Mode
 * administrator password" ("Audit User Account Management"), EventData SubjectUserName,
 * SubjectDomainName, Workstation, Status (0x0 = success).
 * Source: SigmaHQ "Password Change on Directory Service Restore Mode (DSRM) Account" (53ad8e36, high).
 * Grouped by host: one alert per DC per quiet period; every attempt is counted.
 *
 * Known false positives: promoting a domain controller; a documented DSRM password rotation
 * (ntdsutil "set dsrm password").
 */
import { defineRule, eventData } from '../sdk.js';
import { accountOf } from '../lib/windows.js';

export default defineRule({
  id: 'win-dsrm-password-change',
  title: 'DSRM administrator password set',
  description: 'An attempt was made to set the Directory Services Restore Mode administrator password of a domain controller (Security 4794).',
  severity: 'high',
  tags: ['attack.persistence', 'attack.t1098'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4794] },
  extract: (e) => ({
    actor: accountOf(e, 'SubjectUserName', 'SubjectDomainName') || e.fields.actor || 'unknown',
    workstation: eventData(e, 'Workstation') || undefined,
    status: eventData(e, 'Status') || undefined,
  }),
  fire: { mode: 'single', groupBy: ['host'] },
  summary: (c) => `DSRM administrator password set on ${c.group.host} by ${(c.values.actor ?? ['unknown']).join(', ')}${c.values.status ? ` (status ${c.values.status.join(', ')})` : ''}`,
});
