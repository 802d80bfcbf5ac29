/**
 * Logsource processing, as data: which events a Sigma `logsource` stands for, and how the rule's
 * field names map onto those events (pySigma's windows, sysmon and windows-audit pipelines:
 * AddCondition Channel/EventID + FieldMapping). A logsource resolves to one or more targets; a
 * process_creation rule, for instance, runs on Sysmon EventID 1 as written and on Security 4688
 * with Image/ParentImage/LogonId renamed. Nothing here is consulted per event: the loader turns
 * targets into the rule's channels/EventIDs (indexed) and a field-mapped copy of its detection.
 */
import type { SourceKind } from '../../generated/schema-types.js';
import { UnsupportedError } from './condition.js';
import type { Logsource } from './tree.js';
import { AUDITD_PROGRAM } from './auditd.js';

export interface LogsourceTarget {
  /** For messages and tests, e.g. "sysmon 1" or "security 4688". */
  label: string;
  kinds: SourceKind[];
  /** Windows channels (exact names; compared case-insensitively). */
  channels?: string[];
  /** syslog idents / Windows providers. */
  programs?: string[];
  /** EventIDs the logsource implies (the rule may narrow them further). */
  eventIds?: number[];
  /** Sigma field name → the event's field name. */
  fieldMap?: Readonly<Record<string, string>>;
  /** Fields (and EventID) live in the message: Sysmon for Linux's XML event in a syslog line, an auditd record's key=value pairs. */
  eventSource?: 'sysmon-linux' | 'auditd';
}

/** Linux categories fed by Sysmon for Linux through syslog (ident sysmon), EventIDs as on Windows. */
export const LINUX_SYSMON_CATEGORIES: Readonly<Record<string, readonly number[]>> = {
  process_creation: [1],
  network_connection: [3],
  process_termination: [5],
  file_event: [11],
  file_delete: [23],
};

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

/**
 * Sigma `service` → channel(s), from pySigma's windows_logsource_mapping (sigma/pipelines/common.py)
 * plus the services SigmaHQ rules name since.
 */
export const WINDOWS_SERVICES: Readonly<Record<string, readonly string[]>> = {
  security: ['Security'],
  application: ['Application'],
  system: ['System'],
  sysmon: [SYSMON],
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'msexchange-management': ['MSExchange Management'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
  'smbserver-connectivity': ['Microsoft-Windows-SMBServer/Connectivity'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
  ldap_debug: ['Microsoft-Windows-LDAP-Client/Debug'],
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  openssh: ['OpenSSH/Operational'],
  bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
  'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational'],
  vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
};

/** pySigma windows_audit_pipeline: Sigma's process_creation names → Security 4688 EventData names. */
export const SECURITY_4688_FIELDS: Readonly<Record<string, string>> = {
  Image: 'NewProcessName',
  ParentImage: 'ParentProcessName',
  LogonId: 'SubjectLogonId',
};

/**
 * Defender writes EventData names with spaces ("Threat Name", "Process Name"); SigmaHQ's windefend
 * rules write them without ("ThreatName", "ProcessName"). The names of Defender's 1116/1117/1119
 * and 5007 templates, keyed by the Sigma spelling.
 */
const DEFENDER_EVENTDATA = [
  'Product Name', 'Product Version', 'Detection ID', 'Detection Time', 'Threat ID', 'Threat Name', 'Severity ID', 'Severity Name',
  'Category ID', 'Category Name', 'Status Code', 'Status Description', 'Source ID', 'Source Name', 'Process Name', 'Detection User',
  'Origin ID', 'Origin Name', 'Execution ID', 'Execution Name', 'Type ID', 'Type Name', 'Pre Execution Status', 'Action ID', 'Action Name',
  'Error Code', 'Error Description', 'Post Clean Status', 'Additional Actions ID', 'Additional Actions String', 'Remediation User',
  'Security intelligence Version', 'Engine Version', 'Old Value', 'New Value', 'Feature Name', 'Feature ID',
];
export const DEFENDER_FIELDS: Readonly<Record<string, string>> = Object.fromEntries(DEFENDER_EVENTDATA.map((n) => [n.replace(/ /g, ''), n]));

/** Field mapping per Windows service (applied to rules naming the service). */
const WINDOWS_SERVICE_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  windefend: DEFENDER_FIELDS,
};

interface CategoryTarget {
  service: string;
  eventIds: number[];
  fieldMap?: Readonly<Record<string, string>>;
}

/**
 * Sigma `category` → channel and EventIDs. Sysmon IDs from pySigma-pipeline-sysmon's
 * sysmon_generic_logsource_eventid_mapping (plus Sysmon 15's file_block_* / file_executable_detected);
 * PowerShell from pySigma-pipeline-windows' windows_generic_category_channel_mapping.
 */
export const WINDOWS_CATEGORIES: Readonly<Record<string, readonly CategoryTarget[]>> = {
  process_creation: [{ service: 'sysmon', eventIds: [1] }, { service: 'security', eventIds: [4688], fieldMap: SECURITY_4688_FIELDS }],
  file_change: [{ service: 'sysmon', eventIds: [2] }],
  network_connection: [{ service: 'sysmon', eventIds: [3] }],
  sysmon_status: [{ service: 'sysmon', eventIds: [4, 16] }],
  process_termination: [{ service: 'sysmon', eventIds: [5] }],
  driver_load: [{ service: 'sysmon', eventIds: [6] }],
  image_load: [{ service: 'sysmon', eventIds: [7] }],
  create_remote_thread: [{ service: 'sysmon', eventIds: [8] }],
  raw_access_thread: [{ service: 'sysmon', eventIds: [9] }],
  process_access: [{ service: 'sysmon', eventIds: [10] }],
  file_event: [{ service: 'sysmon', eventIds: [11] }],
  registry_add: [{ service: 'sysmon', eventIds: [12] }],
  registry_delete: [{ service: 'sysmon', eventIds: [12] }],
  registry_set: [{ service: 'sysmon', eventIds: [13] }],
  registry_rename: [{ service: 'sysmon', eventIds: [14] }],
  registry_event: [{ service: 'sysmon', eventIds: [12, 13, 14] }],
  create_stream_hash: [{ service: 'sysmon', eventIds: [15] }],
  pipe_created: [{ service: 'sysmon', eventIds: [17, 18] }],
  wmi_event: [{ service: 'sysmon', eventIds: [19, 20, 21] }],
  dns_query: [{ service: 'sysmon', eventIds: [22] }],
  file_delete: [{ service: 'sysmon', eventIds: [23, 26] }],
  clipboard_capture: [{ service: 'sysmon', eventIds: [24] }],
  process_tampering: [{ service: 'sysmon', eventIds: [25] }],
  file_block_executable: [{ service: 'sysmon', eventIds: [27] }],
  file_block_shredding: [{ service: 'sysmon', eventIds: [28] }],
  file_executable_detected: [{ service: 'sysmon', eventIds: [29] }],
  sysmon_error: [{ service: 'sysmon', eventIds: [255] }],
  ps_module: [{ service: 'powershell', eventIds: [4103] }],
  ps_script: [{ service: 'powershell', eventIds: [4104] }],
  ps_classic_start: [{ service: 'powershell-classic', eventIds: [400] }],
  ps_classic_provider_start: [{ service: 'powershell-classic', eventIds: [600] }],
  ps_classic_script: [{ service: 'powershell-classic', eventIds: [800] }],
};

/** Categories with no Windows event log channel behind them: the reason a rule is skipped. */
const WINDOWS_UNCOLLECTED: Readonly<Record<string, string>> = {
  file_access: 'needs the Microsoft-Windows-Kernel-File ETW provider, which is not an event log channel',
  file_rename: 'needs the Microsoft-Windows-Kernel-File ETW provider, which is not an event log channel',
};

/** Linux services: what the agent's auth.log, syslog and audit.log inputs carry, by program. */
export const LINUX_SERVICES: Readonly<Record<string, { kinds: SourceKind[]; programs?: string[]; eventSource?: LogsourceTarget['eventSource'] }>> = {
  auth: { kinds: ['auth'] },
  sshd: { kinds: ['auth'], programs: ['sshd', 'sshd-session'] },
  sudo: { kinds: ['auth'], programs: ['sudo'] },
  su: { kinds: ['auth'], programs: ['su'] },
  cron: { kinds: ['auth', 'syslog'], programs: ['cron', 'crond', 'CRON'] },
  syslog: { kinds: ['syslog', 'auth'] },
  useradd: { kinds: ['auth'], programs: ['useradd', 'usermod', 'groupadd', 'gpasswd', 'userdel'] },
  vsftpd: { kinds: ['auth', 'syslog'], programs: ['vsftpd'] },
  clamav: { kinds: ['syslog'], programs: ['clamd', 'freshclam', 'clamav'] },
  // /var/log/audit/audit.log, tailed as an app log (program: its directory, `audit`); fields read from the record (auditd.ts).
  auditd: { kinds: ['app'], programs: [AUDITD_PROGRAM], eventSource: 'auditd' },
};

/** Linux categories and services the agent does not ship, with why. */
const LINUX_UNCOLLECTED: Readonly<Record<string, string>> = {};

function windowsService(service: string): string[] {
  const channels = WINDOWS_SERVICES[service];
  if (!channels) throw new UnsupportedError(`logsource windows service ${service} is not supported (no channel mapping)`);
  return [...channels];
}

/** Maps a Sigma logsource onto targets; throws with the reason when it is outside what Logward collects. */
export function resolveLogsource(ls: Logsource): LogsourceTarget[] {
  const { product: p, service: s, category: c } = ls;
  if (c === 'webserver') {
    if (s) throw new UnsupportedError(`logsource service ${s} with category webserver is not supported`);
    return [{ label: 'webserver', kinds: ['web_access'] }];
  }
  if (p === 'windows') {
    if (c) {
      if (WINDOWS_UNCOLLECTED[c]) throw new UnsupportedError(`logsource windows category ${c} ${WINDOWS_UNCOLLECTED[c]}`);
      const targets = WINDOWS_CATEGORIES[c];
      if (!targets) throw new UnsupportedError(`logsource windows category ${c} is not supported (no channel mapping)`);
      // A service next to a category narrows it (service: sysmon on process_creation drops 4688).
      const chosen = s ? targets.filter((t) => t.service === s) : targets;
      if (!chosen.length) throw new UnsupportedError(`logsource windows category ${c} has no ${s} mapping`);
      return chosen.map((t) => ({
        label: `${t.service} ${t.eventIds.join('/')}`,
        kinds: ['windows'],
        channels: windowsService(t.service),
        eventIds: t.eventIds,
        ...(t.fieldMap ? { fieldMap: t.fieldMap } : {}),
      }));
    }
    if (!s) return [{ label: 'windows', kinds: ['windows'] }];
    const fieldMap = WINDOWS_SERVICE_FIELDS[s];
    return [{ label: s, kinds: ['windows'], channels: windowsService(s), ...(fieldMap ? { fieldMap } : {}) }];
  }
  if (c && p === 'linux' && LINUX_SYSMON_CATEGORIES[c]) {
    if (s) throw new UnsupportedError(`logsource linux category ${c} with service ${s} is not supported`);
    return [{ label: `sysmon-linux ${LINUX_SYSMON_CATEGORIES[c].join('/')}`, kinds: ['syslog'], programs: ['sysmon'], eventIds: [...LINUX_SYSMON_CATEGORIES[c]], eventSource: 'sysmon-linux' }];
  }
  if (c) {
    if (p === 'linux' && LINUX_UNCOLLECTED[c]) throw new UnsupportedError(`logsource linux category ${c} ${LINUX_UNCOLLECTED[c]}`);
    throw new UnsupportedError(`logsource category ${c}${p ? ` (product ${p})` : ''} is not supported (Logward has no ${c} events)`);
  }
  if (p === 'linux') {
    if (!s) return [{ label: 'linux', kinds: ['auth', 'syslog'] }];
    if (LINUX_UNCOLLECTED[s]) throw new UnsupportedError(`logsource linux service ${s} ${LINUX_UNCOLLECTED[s]}`);
    const scope = LINUX_SERVICES[s];
    if (!scope) throw new UnsupportedError(`logsource linux service ${s} is not supported`);
    return [{ label: s, kinds: scope.kinds, ...(scope.programs ? { programs: scope.programs } : {}), ...(scope.eventSource ? { eventSource: scope.eventSource } : {}) }];
  }
  throw new UnsupportedError(`logsource product ${String(p ?? '(none)')}${s ? ` service ${s}` : ''} is not supported`);
}

/**
 * Per service: EventData fields that tell one detection from another where a rule's selection
 * tests none of them (SigmaHQ's "Windows Defender Threat Detected" tests only EventID, yet two
 * threats on one host are two incidents). Plain rules group by host, their selection's fields and these.
 */
const DISTINGUISHING_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'Microsoft-Windows-Windows Defender/Operational': ['Threat Name', 'Path'],
};

export function distinguishingFields(t: LogsourceTarget): string[] {
  return [...new Set((t.channels ?? []).flatMap((c) => DISTINGUISHING_FIELDS[c] ?? []))];
}
