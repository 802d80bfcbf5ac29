/**
 * Remote execution through a service (PsExec and its kin, T1569.002 / T1021.002): the tool copies
 * a binary to the target's ADMIN$ share (= %SystemRoot%) or builds a command line, and creates a
 * service over SMB/RPC to run it. win-service-installed reports every service; this rule names the
 * remote-execution ones, at a higher severity.
 *
 * Events: System 7045 (Service Control Manager, "A service was installed"; EventData ServiceName,
 * ImagePath) and Security 4697 ("Audit Security System Extension"; ServiceName, ServiceFileName).
 * Patterns, each from a SigmaHQ rule:
 * - psexec   ServiceName PSEXESVC or image ...\PSEXESVC.exe ("PsExec Service Installation", 42c575ea, medium)
 * - paexec   ServiceName PAExec-... or image ...\PAExec-... (win_system_service_install_paexec)
 * - remcom   ServiceName RemComSvc or image ...\RemComSvc.exe (win_system_service_install_remcom)
 * - csexec   ServiceName csexecsvc or image ...\csexecsvc.exe (win_system_service_install_csexecsvc)
 * - smbexec  Impacket smbexec: ServiceName BTOBTO, or an image with "__output 2^>^&1 >" or
 *            ".bat & del " ("smbexec.py Service Installation", 52a85084, high)
 * - admin-share  an image run from an ADMIN$ path (Cobalt Strike "jump psexec", 5a105d34, critical)
 *            or an .exe directly in %SystemRoot% / C:\Windows (where ADMIN$ copies land: Impacket
 *            psexec's random 8-letter binary, Metasploit psexec; see 4697 rule 6fb63b40)
 * Severity high: the named tools are lateral movement even when an administrator runs them.
 * Grouped by host and service: each service created on each host is its own alert.
 *
 * win-service-installed leaves these services to this rule, so one install is one alert.
 *
 * Known false positives: administrators and deployment tools using Sysinternals PsExec / PAExec
 * (override the severity or disable where that is routine); software installers that drop a
 * service binary straight into C:\Windows (rare).
 */
import { defineRule, eventData } from '../sdk.js';
import { bounded } from '../lib/text.js';
import { remoteExecToolOf } from '../lib/windows.js';

export default defineRule({
  id: 'win-remote-exec-service',
  title: 'Remote execution service installed (PsExec-style)',
  description: 'A service typical of remote execution tools was installed (System 7045, Security 4697): PsExec, PAExec, RemCom, CSExec, Impacket smbexec, or a binary run from ADMIN$ / the root of %SystemRoot%.',
  severity: 'high',
  tags: ['attack.execution', 'attack.t1569.002', 'attack.lateral_movement', 'attack.t1021.002'],
  match: { kinds: ['windows'], eventIds: [7045, 4697] },
  extract(e) {
    const ch = e.source.channel?.toLowerCase();
    if (!((e.fields.event_id === 7045 && ch === 'system') || (e.fields.event_id === 4697 && ch === 'security'))) return null;
    // Real names and command lines are far below the rule input bound; crafted ones are cut to it.
    const service = bounded(eventData(e, 'ServiceName'), 256).trim();
    const image = bounded(eventData(e, 'ImagePath') || eventData(e, 'ServiceFileName')).trim();
    const tool = remoteExecToolOf(service, image);
    if (!tool) return null;
    return { service: service || 'unknown', tool, image: image || undefined, actor: e.fields.actor };
  },
  fire: { mode: 'single', groupBy: ['host', 'service'] },
  summary: (c) => `remote execution service ${c.group.service} (${(c.values.tool ?? []).join(', ')}) installed on ${c.group.host}: ${(c.values.image ?? []).join(', ')}`,
});
