/**
 * Pass-the-hash on the target host: an NTLM network logon with no session key. Tools that
 * authenticate with a stolen NT hash (Impacket, CrackMapExec, Metasploit's psexec) typically
 * complete NTLM without negotiating session security, so the logon shows KeyLength 0, where a
 * Windows client logging on with a password negotiates a 128-bit key.
 *
 * Event: Security 4624 with, as in SigmaHQ "Pass the Hash Activity 2" (8eef149c, its
 * logon-type-3 selection): LogonType 3, LogonProcessName NtLmSsp, KeyLength 0, SubjectUserSid
 * S-1-0-0; ANONYMOUS LOGON excluded (null sessions have no key either). AuthenticationPackageName
 * NTLM is required too (the NtLmSsp process implies it). MITRE T1550.002.
 * Severity medium, as SigmaHQ: on its own it is a hint, not proof.
 * Grouped by host, account and source address: each stolen identity used from each source is
 * its own alert.
 *
 * Known false positives: legacy NTLM clients that negotiate no session security (old NAS
 * devices, printers/scanners scanning to SMB shares, some Samba and Java clients),
 * and administrators' tooling using NTLM hashes on purpose.
 */
import { defineRule, eventData } from '../sdk.js';
import { accountOf, dataLower, dataNumber } from '../lib/windows.js';

/**
 * S-1-0-0 as a SID string, or as the name Windows resolves it to ("NULL SID", "\\NULL SID") should
 * the agent render SID-typed EventData values as account names.
 */
function isNullSid(v: string): boolean {
  const s = v.trim();
  return s === 'S-1-0-0' || s.toLowerCase().replace(/^\\/, '') === 'null sid';
}

export default defineRule({
  id: 'win-pass-the-hash-ntlm',
  title: 'Pass-the-hash: NTLM network logon without session key',
  description: 'A network logon (Security 4624, LogonType 3) through NtLmSsp with KeyLength 0 and a NULL subject, not anonymous: typical of authentication with a stolen NT hash.',
  severity: 'medium',
  tags: ['attack.lateral_movement', 'attack.t1550.002'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4624] },
  extract(e) {
    if ((e.fields.logon_type ?? dataNumber(e, 'LogonType')) !== 3) return null;
    if (dataLower(e, 'LogonProcessName') !== 'ntlmssp' || dataLower(e, 'AuthenticationPackageName') !== 'ntlm') return null;
    if (dataNumber(e, 'KeyLength') !== 0 || !isNullSid(eventData(e, 'SubjectUserSid'))) return null;
    if (dataLower(e, 'TargetUserName') === 'anonymous logon') return null;
    return {
      account: accountOf(e, 'TargetUserName', 'TargetDomainName') || 'unknown',
      src_ip: e.fields.src_ip ?? '',
      workstation: eventData(e, 'WorkstationName') || undefined,
      lm_package: eventData(e, 'LmPackageName') || undefined,
    };
  },
  fire: { mode: 'single', groupBy: ['host', 'account', 'src_ip'] },
  summary: (c) =>
    `NTLM network logon without session key for ${c.group.account} on ${c.group.host} from ${c.group.src_ip || 'unknown address'}` +
    `${c.values.workstation ? ` (workstation ${c.values.workstation.join(', ')})` : ''}: possible pass-the-hash`,
});
