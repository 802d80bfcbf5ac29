/**
 * Kerberos password spraying: one source address failing Kerberos pre-authentication for many
 * different accounts. A spray tries one or two common passwords against every account, so each
 * account fails only once or twice (no lockout) and per-account rules stay silent; the spread of
 * accounts from one address is what gives it away.
 *
 * Events (Security, on domain controllers, "Audit Kerberos Authentication Service" failure):
 * - 4771 "Kerberos pre-authentication failed", Status 0x18 (KDC_ERR_PREAUTH_FAILED: wrong password);
 * - 4768 "A Kerberos authentication ticket (TGT) was requested" with a failure Status:
 *   0x6 (KDC_ERR_C_PRINCIPAL_UNKNOWN: no such account, i.e. a spray with a guessed user list),
 *   0x12 (KDC_ERR_CLIENT_REVOKED: disabled, expired or locked-out account, which sprays also hit),
 *   0x18 (wrong password, logged as 4768 by some DCs).
 *   Status, TargetUserName and IpAddress ("::ffff:10.0.0.5") are the EventData names in
 *   Microsoft's event documentation; the normalizer unmaps the IPv4-mapped address into src_ip.
 *   0x17 (password expired) is left out: it is a real user with a right but stale password.
 *
 * Source: MITRE ATT&CK T1110.003 (Password Spraying), detection "many failed authentications for
 * different accounts from one source"; Splunk ESCU "Windows Multiple Users Failed To Authenticate
 * Wth Kerberos" / "... Invalid Users ... Kerberos" (4771/4768 by IpAddress, distinct users).
 * Threshold: 10 different accounts from one address within 10 minutes (Splunk uses 30 in 5
 * minutes; a slower, smaller spray still fires here), grouped by source address across all DCs.
 * Machine accounts (ending in "$") are not counted.
 *
 * Known false positives: hosts that authenticate on behalf of many users (AD FS / Exchange / VPN
 * or Citrix gateways, NAT in front of a branch office, terminal servers) after a password policy
 * change or an outage; raise the threshold or disable for those addresses' networks.
 */
import { defineRule, eventData } from '../sdk.js';
import { bounded } from '../lib/text.js';
import { hexCode, isMachineAccount } from '../lib/windows.js';

const FAILURES: ReadonlyMap<number, string> = new Map([
  [0x6, 'unknown account'],
  [0x12, 'account disabled, expired or locked out'],
  [0x18, 'wrong password'],
]);

export default defineRule({
  id: 'win-kerberos-password-spraying',
  title: 'Kerberos password spraying',
  description: 'Kerberos pre-authentication failures (Security 4771, 4768 status 0x6/0x12/0x18) for at least 10 different accounts from one address within 10 minutes.',
  severity: 'high',
  tags: ['attack.credential_access', 'attack.t1110.003'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [4771, 4768] },
  extract(e) {
    const status = hexCode(eventData(e, 'Status'));
    if (status === undefined || !FAILURES.has(status)) return null;
    const ip = e.fields.src_ip;
    if (!ip) return null;
    const user = bounded(eventData(e, 'TargetUserName'), 512).trim().toLowerCase();
    if (!user || isMachineAccount(user)) return null;
    return { src_ip: ip, account: user, failure: FAILURES.get(status), dc: e.host };
  },
  fire: { mode: 'distinct', field: 'account', threshold: 10, windowSec: 600, groupBy: ['src_ip'] },
  summary: (c) =>
    `Kerberos pre-authentication failed for ${c.count} different accounts from ${c.group.src_ip} within ${c.windowSec}s ` +
    `(${(c.values.failure ?? []).join(', ')}; DCs ${(c.values.dc ?? []).join(', ')}): ${(c.values.account ?? []).join(', ')}`,
});
