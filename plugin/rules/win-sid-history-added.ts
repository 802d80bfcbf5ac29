/**
 * SID History added to an account (T1134.005): an account carrying another account's SID (e.g.
 * Domain Admins' or Enterprise Admins') in sIDHistory gets that account's rights everywhere,
 * a persistence and privilege-escalation technique (mimikatz sid::add / misc::addsid, DSInternals).
 *
 * Events (Security, DCs, "Audit User Account Management"):
 * - 4765 "SID History was added to an account" (success)
 * - 4766 "An attempt to add SID History to an account failed"
 * - 4738 "A user account was changed" whose SidHistory is set (not "-" or "%%1793" = <never>):
 *   sid::add writes the attribute directly and logs no 4765.
 * EventData TargetUserName/TargetDomainName (the account changed), SourceUserName/SourceSid (4765/4766:
 * the SID added), SubjectUserName (who did it).
 * Source: SigmaHQ "Addition of SID History to Active Directory Object" (2632954e, medium).
 * Severity high here: outside a domain migration this is domain persistence; during an ADMT
 * migration, lower it with an override.
 * Grouped by host and account changed.
 *
 * Known false positives: domain migrations (ADMT), which add SID History on purpose.
 */
import { defineRule, eventData } from '../sdk.js';
import { accountOf } from '../lib/windows.js';

export default defineRule({
  id: 'win-sid-history-added',
  title: 'SID History added to an account',
  description: 'SID History was added to an account (Security 4765), an attempt failed (4766), or a user account change set SidHistory (4738).',
  severity: 'high',
  tags: ['attack.persistence', 'attack.privilege_escalation', 'attack.t1134.005'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4765, 4766, 4738] },
  extract(e) {
    const id = e.fields.event_id;
    let outcome: string;
    if (id === 4765) outcome = 'added';
    else if (id === 4766) outcome = 'attempt failed';
    else {
      const sidHistory = eventData(e, 'SidHistory').trim();
      if (!sidHistory || sidHistory === '%%1793') return null;
      outcome = 'set by account change';
    }
    return {
      account: accountOf(e, 'TargetUserName', 'TargetDomainName') || 'unknown',
      outcome,
      sid: eventData(e, 'SourceSid') || eventData(e, 'SidHistory') || eventData(e, 'SidList') || undefined,
      source: eventData(e, 'SourceUserName') || undefined,
      actor: e.fields.actor,
    };
  },
  fire: { mode: 'single', groupBy: ['host', 'account'] },
  summary: (c) =>
    `SID History ${(c.values.outcome ?? []).join('/')} for ${c.group.account} on ${c.group.host} (SID ${(c.values.sid ?? ['?']).join(', ')}` +
    `${c.values.source ? ` of ${c.values.source.join(', ')}` : ''}) by ${(c.values.actor ?? ['unknown']).join(', ')}`,
});
