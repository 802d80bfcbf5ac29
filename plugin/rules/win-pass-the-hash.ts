/**
 * Pass-the-hash / overpass-the-hash on the attacker's host: a logon with new credentials for
 * outbound use only (LogonType 9, NewCredentials) made by the Secondary Logon service
 * (LogonProcessName "seclogo"). mimikatz sekurlsa::pth starts a process this way with the stolen
 * NTLM hash or Kerberos key, then uses it against other hosts.
 *
 * Event: Security 4624 (Logon, success), EventData LogonType 9 and LogonProcessName seclogo;
 * TargetOutboundUserName / TargetOutboundDomainName (4624 version 2, Windows 10 / Server 2016 and
 * later) name the account whose credentials were injected.
 * Source: SigmaHQ "Successful Overpass the Hash Attempt" (192a0330, level high) and
 * "Pass the Hash Activity 2" (8eef149c, its logon-type-9 selection); MITRE T1550.002.
 * SigmaHQ's overpass rule also requires AuthenticationPackageName Negotiate; not required here,
 * so a hash injected for NTLM only is caught too.
 * Grouped by host and account: one alert per injected identity per quiet period.
 *
 * Known false positives: "runas /netonly" (the same logon type and process), used by some
 * administrators to reach another domain's resources.
 */
import { defineRule, eventData } from '../sdk.js';
import { accountOf, dataLower, dataNumber } from '../lib/windows.js';

export default defineRule({
  id: 'win-pass-the-hash',
  title: 'Pass-the-hash: NewCredentials logon by seclogo',
  description: 'A logon with LogonType 9 (NewCredentials) by the seclogo logon process (Security 4624): sekurlsa::pth-style credential injection, or runas /netonly.',
  severity: 'high',
  tags: ['attack.lateral_movement', 'attack.defense_evasion', 'attack.t1550.002'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4624] },
  extract(e) {
    if ((e.fields.logon_type ?? dataNumber(e, 'LogonType')) !== 9) return null;
    if (dataLower(e, 'LogonProcessName') !== 'seclogo') return null;
    const outbound = accountOf(e, 'TargetOutboundUserName', 'TargetOutboundDomainName');
    return {
      account: accountOf(e, 'TargetUserName', 'TargetDomainName') || 'unknown',
      outbound: outbound || undefined,
      package: eventData(e, 'AuthenticationPackageName') || undefined,
      process: eventData(e, 'ProcessName') || undefined,
    };
  },
  fire: { mode: 'single', groupBy: ['host', 'account'] },
  summary: (c) =>
    `NewCredentials (type 9, seclogo) logon by ${c.group.account} on ${c.group.host}` +
    `${c.values.outbound ? ` as ${c.values.outbound.join(', ')}` : ''}${c.values.process ? ` (process ${c.values.process.join(', ')})` : ''}: pass-the-hash or runas /netonly`,
});
