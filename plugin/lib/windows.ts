/**
 * Small helpers for the Windows rules: EventData values as Windows writes them (hex status codes,
 * "DOMAIN\\user" accounts, machine accounts ending in "$"), read without regexes over attacker text.
 */
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { bounded, eventData } from './text.js';

/**
 * "0x18", "0x00000018", "0xC000006A" or a number → its value; undefined for anything else.
 * winevtlog renders HexInt32 values as "0x%lx" (lower case, no padding), other tools pad.
 */
export function hexCode(v: string): number | undefined {
  if (!/^0x[0-9a-fA-F]{1,8}$/.test(v)) return /^\d{1,10}$/.test(v) ? Number(v) : undefined;
  return parseInt(v.slice(2), 16);
}

/** "CORP\\alice" from the domain and user EventData names (lower-cased: Windows accounts are case-insensitive). */
export function accountOf(e: LogEvent, userKey: string, domainKey: string): string {
  const user = bounded(eventData(e, userKey), 512).trim();
  if (!user) return '';
  const domain = bounded(eventData(e, domainKey), 512).trim();
  return (domain ? `${domain}\\${user}` : user).toLowerCase();
}

/** Computer (machine) accounts end in "$": DCs replicating, services on other hosts authenticating. */
export function isMachineAccount(name: string): boolean {
  return name.endsWith('$');
}

/**
 * An EventData value as a trimmed, lower-cased string ('' when absent or '-'), cut to the rule
 * input bound first (values are attacker-sized). LogonProcessName carries a trailing space ("NtLmSsp ").
 */
export function dataLower(e: LogEvent, key: string): string {
  return bounded(eventData(e, key)).trim().toLowerCase();
}

/** An EventData value that Windows writes as a number (LogonType, KeyLength): number or numeric string. */
export function dataNumber(e: LogEvent, key: string): number | undefined {
  const v = e.fields.event_data?.[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d{1,10}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** An executable directly in the Windows directory: ADMIN$\x.exe as the target sees it. */
const WINDIR_ROOT_EXE = /^"?(?:%systemroot%|%windir%|[a-z]:\\windows)\\[^\\"\s]{1,64}\.exe"?(?:\s|$)/i;

/**
 * The remote-execution tool a service install looks like (see win-remote-exec-service for the
 * SigmaHQ rule behind each pattern), or undefined. `image` is ImagePath / ServiceFileName.
 */
export function remoteExecToolOf(service: string, image: string): string | undefined {
  const s = service.toLowerCase();
  const i = image.toLowerCase();
  if (s === 'psexesvc' || i.endsWith('\\psexesvc.exe') || i.endsWith('\\psexesvc.exe"')) return 'psexec';
  if (s.startsWith('paexec-') || i.includes('\\paexec-')) return 'paexec';
  if (s === 'remcomsvc' || i.endsWith('\\remcomsvc.exe')) return 'remcom';
  if (s === 'csexecsvc' || i.endsWith('\\csexecsvc.exe')) return 'csexec';
  if (s === 'btobto' || i.includes('__output 2^>^&1 >') || i.includes('.bat & del ')) return 'smbexec';
  if ((i.includes('\\admin$\\') && i.includes('.exe')) || WINDIR_ROOT_EXE.test(image.slice(0, 300))) return 'admin-share';
  return undefined;
}
