/**
 * Reads log files for the offline tools (test-rule, analyze) and turns them into LogEvents with
 * the service's own normalizer (no second parser here). Accepted per file:
 * - raw log lines of any supported kind (auth, syslog, nginx/apache access and error, JSON or
 *   text application logs), the kind taken from the file name or `--kind`;
 * - JSON lines of Fluent Bit records (what out_http sends as json_lines);
 * - a JSON array of Fluent Bit records (out_http `format: json`, e.g. Windows event records).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { hostname } from 'node:os';
import type { LogEvent, NormalizeConfig, SourceKind } from '../generated/schema-types.js';
import { classifyRecord, kindFromPath, normalizeRawLine, normalizeRecord, parseCollectorTime } from '../normalize/index.js';

export interface ReadOptions {
  kind?: SourceKind;
  host?: string;
  /** Collection time assumed for the lines (RFC 3164 year inference). Default: now. */
  receivedAt?: Date;
  normalize: NormalizeConfig;
}

export interface InputLine {
  /** 1-based line number (record index for a JSON array). */
  line: number;
  raw: string;
  event?: LogEvent;
  error?: string;
}

/** Longest raw line read; the normalizer bounds messages anyway, this bounds what we hold. */
const MAX_LINE = 65536;
const DATE_KEYS = ['fb_time', 'date', '@timestamp'];

/**
 * The kind a file holds: the normalizer's path rules, then file names as copied off a host
 * (var-log-auth.log, web1-nginx-access.log).
 */
export function guessKind(path: string): SourceKind {
  const k = kindFromPath(path);
  if (k !== 'app') return k;
  const b = basename(path).toLowerCase();
  if (/(?:^|[-_.])(?:auth\.log|secure)(?:[-_.]|$)/.test(b)) return 'auth';
  if (/(?:^|[-_.])(?:syslog|messages)(?:[-_.]|$)/.test(b)) return 'syslog';
  if (/nginx|apache|httpd/.test(b) && /access/.test(b)) return 'web_access';
  if (/nginx|apache|httpd/.test(b) && /error/.test(b)) return 'web_error';
  return 'app';
}

function recordLike(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Fluent Bit record rather than an application's own JSON log line? */
function isFluentRecord(rec: Record<string, unknown>): boolean {
  const shape = classifyRecord(rec);
  if (!shape) return false;
  if (shape !== 'app_json') return true;
  return DATE_KEYS.some((k) => typeof rec[k] === 'number') || (typeof rec.file === 'string' && 'offset' in rec) || 'hostname' in rec;
}

function fromRecord(rec: Record<string, unknown>, opts: ReadOptions, receivedAt: Date): LogEvent {
  const shape = classifyRecord(rec)!;
  const dateKey = DATE_KEYS.find((k) => rec[k] !== undefined);
  const collectedAt = dateKey ? parseCollectorTime(rec[dateKey]) : undefined;
  return normalizeRecord(rec, shape, { receivedAt, ...(collectedAt ? { collectedAt } : {}) }, opts.normalize);
}

export function readLogFile(path: string, opts: ReadOptions): InputLine[] {
  const text = readFileSync(path, 'utf8');
  const receivedAt = opts.receivedAt ?? new Date();
  const out: InputLine[] = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(trimmed);
    } catch {
      arr = undefined;
    }
    if (Array.isArray(arr)) {
      arr.forEach((rec, i) => {
        const raw = JSON.stringify(rec).slice(0, MAX_LINE);
        try {
          if (!recordLike(rec) || !classifyRecord(rec)) throw new Error('not a Fluent Bit record');
          out.push({ line: i + 1, raw, event: fromRecord(rec, opts, receivedAt) });
        } catch (err) {
          out.push({ line: i + 1, raw, error: (err as Error).message });
        }
      });
      return out;
    }
  }
  const kind = opts.kind ?? guessKind(path);
  const host = opts.host ?? hostname();
  let offset = 0;
  const lines = text.split('\n');
  lines.forEach((full, i) => {
    const lineOffset = offset;
    offset += Buffer.byteLength(full, 'utf8') + 1;
    const line = (full.endsWith('\r') ? full.slice(0, -1) : full).slice(0, MAX_LINE);
    if (!line.trim()) return;
    try {
      if (line.startsWith('{')) {
        let rec: unknown;
        try {
          rec = JSON.parse(line);
        } catch {
          rec = undefined;
        }
        if (recordLike(rec) && isFluentRecord(rec)) {
          out.push({ line: i + 1, raw: line, event: fromRecord(rec, opts, receivedAt) });
          return;
        }
      }
      out.push({ line: i + 1, raw: line, event: normalizeRawLine(line, { path, offset: lineOffset, host, kind }, { receivedAt }, opts.normalize) });
    } catch (err) {
      out.push({ line: i + 1, raw: line, error: (err as Error).message });
    }
  });
  return out;
}
