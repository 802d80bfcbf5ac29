/**
 * PsExec-style remote execution seen on the target's file-share audit: the client opens the
 * tool's named pipes on IPC$ to drive the service and carry its console
 * (PSEXESVC, PSEXESVC-<host>-<pid>-stdin/-stdout/-stderr, RemCom_stdin..., <tool>-stdin...).
 *
 * Event: Security 5145 "A network share object was checked to see whether client can be granted
 * desired access" (needs "Audit Detailed File Share"), EventData ShareName \\*\IPC$,
 * RelativeTargetName the pipe, IpAddress/SubjectUserName the client.
 * Source: SigmaHQ "Suspicious PsExec Execution" (c462f537, high: -stdin/-stdout/-stderr pipes not
 * named PSEXESVC) and "Impacket PsExec Execution" (32d56ea1, high: RemCom_ pipes); the
 * Sysinternals PSEXESVC pipes, which those rules leave out, are reported too, as tool "psexec".
 * Grouped by host, source address and tool: each client driving each host is its own alert.
 *
 * Known false positives: administrators using Sysinternals PsExec (tool "psexec"); other admin
 * tools with -stdin/-stdout/-stderr pipe names.
 */
import { defineRule, eventData } from '../sdk.js';
import { dataLower } from '../lib/windows.js';

function toolOf(pipe: string): string | undefined {
  if (pipe.startsWith('psexesvc')) return 'psexec';
  if (pipe.startsWith('remcom_std')) return 'remcom';
  if (pipe.endsWith('-stdin') || pipe.endsWith('-stdout') || pipe.endsWith('-stderr')) return 'psexec-like';
  return undefined;
}

export default defineRule({
  id: 'win-remote-exec-pipes',
  title: 'PsExec-style named pipes opened over IPC$',
  description: 'A client opened remote-execution named pipes on IPC$ (Security 5145): PSEXESVC, RemCom_std*, or *-stdin/-stdout/-stderr.',
  severity: 'high',
  tags: ['attack.lateral_movement', 'attack.t1021.002', 'attack.execution', 'attack.t1569.002'],
  match: { kinds: ['windows'], channels: ['Security'], eventIds: [5145] },
  extract(e) {
    if (!dataLower(e, 'ShareName').endsWith('\\ipc$')) return null;
    const pipe = dataLower(e, 'RelativeTargetName');
    const tool = toolOf(pipe);
    if (!tool) return null;
    return { tool, pipe, src_ip: e.fields.src_ip ?? '', user: eventData(e, 'SubjectUserName') || undefined };
  },
  fire: { mode: 'single', groupBy: ['host', 'src_ip', 'tool'] },
  summary: (c) =>
    `${c.group.tool} pipes opened on ${c.group.host} from ${c.group.src_ip || 'unknown address'} by ${(c.values.user ?? ['unknown']).join(', ')}: ${(c.values.pipe ?? []).join(', ')}`,
});
