/**
 * A service was installed: System 7045 (Service Control Manager) or Security 4697. Persistence /
 * lateral movement. Services of remote-execution tools (PsExec, Impacket, ADMIN$ binaries, ...)
 * are left to win-remote-exec-service, which reports them at high severity: one install, one alert.
 */
import { defineRule, eventData } from '../sdk.js';
import { remoteExecToolOf } from '../lib/windows.js';
import { bounded } from '../lib/text.js';

const SUSPICIOUS_DIRS = ['\\users\\public\\', '\\temp\\', '\\appdata\\', '\\programdata\\', '\\windows\\temp\\', '\\perflogs\\', 'cmd.exe', 'powershell', '%comspec%'];

export default defineRule({
  id: 'win-service-installed',
  title: 'Windows service installed',
  description: 'A new service was installed (System 7045, Security 4697); flagged when its image lives in a user-writable directory or runs a shell.',
  severity: 'medium',
  tags: ['attack.persistence', 'attack.privilege_escalation', 'attack.t1543.003', 'attack.lateral_movement', 'attack.t1569.002'],
  match: { kinds: ['windows'], eventIds: [7045, 4697] },
  extract(e) {
    const ch = e.source.channel?.toLowerCase();
    if (!((e.fields.event_id === 7045 && ch === 'system') || (e.fields.event_id === 4697 && ch === 'security'))) return null;
    const image = eventData(e, 'ImagePath') || eventData(e, 'ServiceFileName');
    const service = eventData(e, 'ServiceName');
    if (remoteExecToolOf(bounded(service, 256).trim(), bounded(image).trim())) return null;
    const lower = bounded(image).toLowerCase();
    return {
      service: service || 'unknown',
      image: image || undefined,
      account: eventData(e, 'AccountName') || eventData(e, 'ServiceAccount') || undefined,
      suspicious_path: SUSPICIOUS_DIRS.some((d) => lower.includes(d)) ? 'yes' : 'no',
    };
  },
  fire: { mode: 'single', groupBy: ['host', 'service'], quietSec: 0 },
  summary: (c) => `service ${c.group.service} installed on ${c.group.host}: ${(c.values.image ?? []).join(', ')}${c.values.suspicious_path?.includes('yes') ? ' (user-writable or shell path)' : ''}`,
});
