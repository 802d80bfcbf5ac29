/**
 * What a line or record parser produces before it becomes a LogEvent: the parts that came from
 * the content itself. The event builder adds identity (id, host fallback, source) and bounds.
 */
import type { EventFields, Severity } from '../generated/schema-types.js';
import type { Zone } from './zone.js';

export interface Draft {
  /** Event time from the content, UTC ms. */
  timeMs?: number;
  /** UTC offset (minutes) the content's timestamp was written with, when it carried a numeric one. */
  timeOffsetMin?: number;
  /** Canonical host named by the content (syslog header, Windows Computer). */
  host?: string;
  program?: string;
  pid?: number;
  severity?: Severity;
  message: string;
  fields: EventFields;
}

/** What parsers need to know about where a line came from. */
export interface LineEnv {
  /** Zone for wall-clock times of `host` (per-host override, else the configured zone). */
  zoneFor(host: string | undefined): Zone;
  /** Reference for RFC 3164 year inference: collection time, else receive time (ms). */
  refMs: number;
  toleranceMs: number;
  hostForm: 'short' | 'full';
  /** Whether a host named inside the line may be believed (syslog files yes, app logs no). */
  trustLineHost: boolean;
  maxExtraKeys: number;
  maxExtraChars: number;
  /** Record keys describing transport, not the event (file, offset, hostname...), kept out of fields.extra. */
  transportKeys: ReadonlySet<string>;
  /**
   * Only time, host, program, pid and message are wanted (offline tools running rules that
   * declare `reads: 'message'`): auth fields and the content severity are not derived.
   */
  messageOnly?: boolean;
}
