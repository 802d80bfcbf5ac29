/**
 * DCSync: an account that is not a domain controller asks a DC to replicate directory data, which
 * hands it every account's password hash (mimikatz lsadump::dcsync, Impacket secretsdump -just-dc).
 *
 * Event: Security 4662 "An operation was performed on an object" on a DC, with one of the
 * replication extended rights in Properties (EventData names from Microsoft's 4662 documentation):
 * - 1131f6aa-9c07-11d1-f79f-00c04fc2dcd2 DS-Replication-Get-Changes
 * - 1131f6ad-9c07-11d1-f79f-00c04fc2dcd2 DS-Replication-Get-Changes-All
 * - 89e95b76-444d-4c62-991a-0facbeda640c DS-Replication-Get-Changes-In-Filtered-Set
 * SigmaHQ's rule also lists DS-Replication-Synchronize (9923a32a-...), which returns no secrets:
 * left out. Needs "Audit Directory Service Access" (success) and an auditing ACE for these rights
 * on the domain NC root (see fluent-bit/README.md, audit policy).
 *
 * Not counted, as in SigmaHQ "Active Directory Replication from Non Machine Account" (17d619c1):
 * machine accounts (SubjectUserName ending in "$": DCs replicating with each other),
 * SubjectDomainName "Window Manager", subjects starting "NT AUT", and Azure AD Connect's MSOL_
 * account, which replicates by design for password hash sync.
 * Severity: high (SigmaHQ says medium because of the sources filtered out above; what remains is a
 * user account pulling domain secrets, MITRE T1003.006).
 *
 * Known false positives: other directory-sync products running as a user account with
 * replication rights (identity management, some backup or password-audit tools).
 */
import { defineRule, eventData } from '../sdk.js';
import { bounded } from '../lib/text.js';
import { accountOf, isMachineAccount } from '../lib/windows.js';

const RIGHTS: ReadonlyArray<[string, string]> = [
  ['1131f6aa-9c07-11d1-f79f-00c04fc2dcd2', 'DS-Replication-Get-Changes'],
  ['1131f6ad-9c07-11d1-f79f-00c04fc2dcd2', 'DS-Replication-Get-Changes-All'],
  ['89e95b76-444d-4c62-991a-0facbeda640c', 'DS-Replication-Get-Changes-In-Filtered-Set'],
];

export default defineRule({
  id: 'win-dcsync',
  title: 'DCSync: directory replication by a non-DC account',
  description: 'A replication right (Get-Changes, Get-Changes-All, Get-Changes-In-Filtered-Set) was exercised on a domain controller (Security 4662) by an account that is not a machine account.',
  severity: 'high',
  tags: ['attack.credential_access', 'attack.t1003.006'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4662] },
  extract(e) {
    const props = bounded(eventData(e, 'Properties')).toLowerCase();
    const rights = RIGHTS.filter(([guid]) => props.includes(guid)).map(([, name]) => name);
    if (rights.length === 0) return null;
    const user = bounded(eventData(e, 'SubjectUserName'), 512).trim();
    const lower = user.toLowerCase();
    if (!user || isMachineAccount(user) || lower.startsWith('msol_') || lower.startsWith('nt aut')) return null;
    if (eventData(e, 'SubjectDomainName').trim().toLowerCase() === 'window manager') return null;
    return { account: accountOf(e, 'SubjectUserName', 'SubjectDomainName'), rights: rights.join(', '), logon_id: eventData(e, 'SubjectLogonId') || undefined };
  },
  fire: { mode: 'single', groupBy: ['host', 'account'] },
  summary: (c) => `${c.group.account} requested directory replication (${(c.values.rights ?? []).join('; ')}) from ${c.group.host}: DCSync`,
});
