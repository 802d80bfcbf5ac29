/**
 * Sysmon for Linux writes its events to syslog (ident `sysmon`) as one XML `<Event>` per line,
 * which the agent's syslog input already ships. SigmaHQ's Linux process_creation, file_event and
 * network_connection rules are written for those events (Image, CommandLine, ParentImage, User,
 * TargetFilename, DestinationIp, ...). This reads the EventID and the `<Data Name="...">` values
 * out of the message, once per event, for those rules' field access. Bounded: the message is
 * already cut by the normalizer, and at most MAX_FIELDS values are read.
 */
import type { LogEvent } from '../../generated/schema-types.js';
import type { SigmaGetter } from './fields.js';

export const SYSMON_LINUX_PROGRAM = 'sysmon';
const MAX_FIELDS = 64;

interface Parsed {
  eventId: number | undefined;
  data: Map<string, string>;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_, ent: string) => {
    if (ent[0] !== '#') return ENTITIES[ent]!;
    const code = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** The Sysmon event in a syslog message, or undefined when the message is not one. */
export function parseSysmonLinux(message: string): Parsed | undefined {
  if (!message.startsWith('<Event>')) return undefined;
  const id = /<EventID>(\d{1,5})<\/EventID>/.exec(message.slice(0, 512));
  const data = new Map<string, string>();
  let at = message.indexOf('<EventData>');
  if (at < 0) return { eventId: id ? Number(id[1]) : undefined, data };
  for (let n = 0; n < MAX_FIELDS; n++) {
    const open = message.indexOf('<Data Name="', at);
    if (open < 0) break;
    const nameEnd = message.indexOf('"', open + 12);
    if (nameEnd < 0) break;
    const name = message.slice(open + 12, nameEnd);
    if (message.startsWith('/>', nameEnd + 1)) {
      data.set(name, '');
      at = nameEnd + 3;
      continue;
    }
    const valueStart = nameEnd + 2; // after `">`
    const close = message.indexOf('</Data>', valueStart);
    if (close < 0) break;
    data.set(name, decode(message.slice(valueStart, close)));
    at = close + 7;
  }
  return { eventId: id ? Number(id[1]) : undefined, data };
}

let memoEvent: LogEvent | undefined;
let memo: Parsed | undefined;

function parsedOf(e: LogEvent): Parsed | undefined {
  if (e !== memoEvent) {
    memoEvent = e;
    memo = e.program?.toLowerCase() === SYSMON_LINUX_PROGRAM ? parseSysmonLinux(e.message) : undefined;
  }
  return memo;
}

export function sysmonLinuxEventId(e: LogEvent): number | undefined {
  return parsedOf(e)?.eventId;
}

/** Field getter over the parsed event: EventID, then the EventData value of that name. */
export function sysmonLinuxGetter(field: string): SigmaGetter {
  if (field.toLowerCase() === 'eventid') return sysmonLinuxEventId;
  return (e) => parsedOf(e)?.data.get(field);
}
