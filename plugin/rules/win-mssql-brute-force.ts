/**
 * Brute force against Microsoft SQL Server logins (sa and other SQL logins): many failed logins
 * from one client address.
 *
 * Event: Application 18456 "Login failed for user '...'. Reason: ... [CLIENT: 203.0.113.5]",
 * provider MSSQLSERVER or MSSQL$<instance> (needs SQL Server's login auditing set to "Failed
 * logins only" or "Both"). These are classic event-log events with no manifest template, so the
 * agent sends no named EventData, only StringInserts (the service names them param1 = login,
 * param2 = reason, param3 = "[CLIENT: x]"); the client address is read from those values or, if
 * absent, from the rendered message. "[CLIENT: <local machine>]" (shared memory) has no address
 * and is not counted.
 * Source: SigmaHQ "MSSQL Server Failed Logon" (218d2855, low, one event) gives the event; the
 * burst (10 failures from one address within 5 minutes, high, grouped by client address across
 * all SQL servers) mirrors win-failed-logon-burst-ip; MITRE T1110.001.
 *
 * Known false positives: an application or job with a stale password after a password change
 * (it fails at its retry rate, from its server's address: the alert names the login).
 */
import { isIP } from 'node:net';
import { defineRule, boundedMatch, eventData } from '../sdk.js';
import type { LogEvent } from '../sdk.js';

const CLIENT = /\[CLIENT: ([0-9A-Fa-f:.]{2,45})\]/;
const LOGIN = /^Login failed for user '([^']{0,128})'/;

function clientOf(e: LogEvent): string | undefined {
  const data = e.fields.event_data;
  if (data) {
    for (const v of Object.values(data)) {
      if (typeof v !== 'string' || !v.includes('[CLIENT:')) continue;
      const m = boundedMatch(CLIENT, v, 512);
      if (m) return m[1];
    }
  }
  return boundedMatch(CLIENT, e.message)?.[1];
}

export default defineRule({
  id: 'win-mssql-brute-force',
  title: 'MSSQL login brute force',
  description: 'At least 10 failed SQL Server logins (Application 18456) from one client address within 5 minutes.',
  severity: 'high',
  tags: ['attack.credential_access', 'attack.t1110.001'],
  match: { kinds: ['windows'], channels: ['Application'], eventIds: [18456], where: (e) => (e.program ?? '').toLowerCase().includes('mssql') },
  extract(e) {
    const ip = clientOf(e);
    if (!ip || isIP(ip) === 0) return null;
    const login = eventData(e, 'param1') || boundedMatch(LOGIN, e.message)?.[1] || 'unknown';
    return { src_ip: ip, login, instance: e.program, reason: eventData(e, 'param2').trim() || undefined };
  },
  fire: { mode: 'count', threshold: 10, windowSec: 300, groupBy: ['src_ip'] },
  summary: (c) => `${c.count} failed SQL Server logins from ${c.group.src_ip} within ${c.windowSec}s (logins: ${(c.values.login ?? []).join(', ')}; ${(c.values.instance ?? []).join(', ')})`,
});
