/**
 * Records and raw lines → LogEvent. The shape-specific parsers produce a Draft (what the content
 * says); this module adds identity and provenance (id, host fallbacks, source, times) and bounds
 * every string to the event schema's limits. It never throws on attacker-controlled content;
 * NormalizeError is only for a record that lacks what identifies it (which schema validation
 * should already have refused).
 */
import type { LogEvent, NormalizeConfig, SourceKind } from '../generated/schema-types.js';
import type { Draft, LineEnv } from './draft.js';
import type { RecordShape } from './classify.js';
import { eventId, positionalId, recordText, tailLineId } from './event-id.js';
import { fromJournal, isBlankJournalEntry, journalId, journalKind, journalText } from './journald.js';
import { canonicalHost, canonicalHostCached, canonicalIp, cleanText, LIMITS, toUint, truncate } from './fields.js';
import { fromJsonObject } from './json-log.js';
import { accessTimestamp, parseRawLine, splitRequest, syslogTimestamp, webProgram } from './line-parsers.js';
import { extractAuthFields } from './auth-fields.js';
import { fromContent, fromHttpStatus, fromSyslogPri } from './severity.js';
import { isSourceKind, resolveKind, kindFromPath } from './source-kind.js';
import { inRange, parseIsoLike, parseJsonTime } from './time.js';
import { resolveZone, UTC_ZONE, type Zone } from './zone.js';
import { fromWinEvtLog, fromWinLog, windowsContent } from './windows.js';
import { IsoTimes, noteIssuedTime } from '../util/iso-times.js';

export class NormalizeError extends Error {
  override name = 'NormalizeError';
}

export interface RecordContext {
  /** X-Fluent-Tag header */
  tag?: string;
  /** Fluent Bit date key, already parsed. Read only while the record is normalized, never kept: ingest sets one Date per chunk for each record. */
  collectedAt?: Date;
  receivedAt: Date;
}

/** Keys our agent configs and Fluent Bit add around the content; never part of fields.extra. */
const TRANSPORT_KEYS: ReadonlySet<string> = new Set(['file', 'offset', 'inode', 'hostname', 'source_kind', 'fb_time']);

// ---------------------------------------------------------------------------------------------
// config, compiled once per config object

interface Compiled {
  zone: Zone;
  hostZones: Map<string, Zone>;
  maxMessage: number;
  hostForm: 'short' | 'full';
  toleranceMs: number;
  maxExtraKeys: number;
  maxExtraChars: number;
}

const compiledConfigs = new WeakMap<NormalizeConfig, Compiled>();

function zoneOrUtc(name: string | undefined): Zone {
  if (!name) return UTC_ZONE;
  try {
    return resolveZone(name);
  } catch {
    return UTC_ZONE; // validateNormalizeConfig reports this at start-up; never fail a record over it
  }
}

function compile(cfg: NormalizeConfig): Compiled {
  let c = compiledConfigs.get(cfg);
  if (c) return c;
  const hostForm = cfg.host_form ?? 'short';
  const hostZones = new Map<string, Zone>();
  for (const [host, zone] of Object.entries(cfg.host_timezones ?? {})) {
    const z = zoneOrUtc(zone);
    const lower = host.toLowerCase();
    hostZones.set(lower, z);
    const short = canonicalHost(host, 'short');
    if (short !== undefined && !hostZones.has(short)) hostZones.set(short, z);
  }
  c = {
    zone: zoneOrUtc(cfg.timezone),
    hostZones,
    maxMessage: Math.max(1, Math.min(cfg.max_message_chars ?? 16384, 65536)),
    hostForm,
    toleranceMs: (cfg.syslog_future_tolerance_hours ?? 48) * 3_600_000,
    maxExtraKeys: cfg.max_extra_keys ?? 64,
    maxExtraChars: cfg.max_extra_chars ?? 8192,
  };
  compiledConfigs.set(cfg, c);
  return c;
}

/**
 * Problems with the normalize config section, one message per bad key ("normalize.timezone:
 * unknown time zone "Mars/Olympus""). The composition root calls this at start-up.
 */
export function validateNormalizeConfig(cfg: NormalizeConfig): string[] {
  const problems: string[] = [];
  try {
    resolveZone(cfg.timezone);
  } catch (err) {
    problems.push(`normalize.timezone: ${(err as Error).message}`);
  }
  for (const [host, zone] of Object.entries(cfg.host_timezones ?? {})) {
    try {
      resolveZone(zone);
    } catch (err) {
      problems.push(`normalize.host_timezones.${host}: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * Per-record parser environment: a class rather than closures. The record path keeps one and
 * resets it for each record (makeEnv: parsers read it while they run and keep nothing of it);
 * the offline tools make one per file (rawLineNormalizer).
 */
class RecordEnv implements LineEnv {
  refMs = 0;
  toleranceMs = 0;
  hostForm: 'short' | 'full' = 'short';
  maxExtraKeys = 0;
  maxExtraChars = 0;
  readonly transportKeys = TRANSPORT_KEYS;
  trustLineHost = false;
  messageOnly = false;
  private c!: Compiled;
  private agentHost: string | undefined;

  constructor(c: Compiled, ctx: RecordContext, agentHost: string | undefined, trustLineHost: boolean, messageOnly = false) {
    this.reset(c, ctx, agentHost, trustLineHost, messageOnly);
  }

  reset(c: Compiled, ctx: RecordContext, agentHost: string | undefined, trustLineHost: boolean, messageOnly: boolean): this {
    this.c = c;
    this.agentHost = agentHost;
    this.trustLineHost = trustLineHost;
    this.messageOnly = messageOnly;
    this.refMs = (ctx.collectedAt ?? ctx.receivedAt).getTime();
    this.toleranceMs = c.toleranceMs;
    this.hostForm = c.hostForm;
    this.maxExtraKeys = c.maxExtraKeys;
    this.maxExtraChars = c.maxExtraChars;
    return this;
  }

  zoneFor(host: string | undefined): Zone {
    const zones = this.c.hostZones;
    if (zones.size > 0) {
      const z = (host !== undefined ? zones.get(host) : undefined) ?? (this.agentHost !== undefined ? zones.get(this.agentHost) : undefined);
      if (z) return z;
    }
    return this.c.zone;
  }
}

let recordEnv: RecordEnv | undefined;

/** The record path's environment, reset for this record (no object per record). */
function makeEnv(c: Compiled, ctx: RecordContext, agentHost: string | undefined, trustLineHost: boolean, messageOnly = false): LineEnv {
  return recordEnv ? recordEnv.reset(c, ctx, agentHost, trustLineHost, messageOnly) : (recordEnv = new RecordEnv(c, ctx, agentHost, trustLineHost, messageOnly));
}

// ---------------------------------------------------------------------------------------------
// event assembly

let lastReceived: Date | undefined;
let lastReceivedIso = '';

/** A batch shares one receivedAt: format it once. */
function receivedIso(d: Date): string {
  if (d !== lastReceived) {
    lastReceived = d;
    lastReceivedIso = isoOrEpoch(d);
  }
  return lastReceivedIso;
}

let isoMs = Number.NaN;
let isoText = '';
const eventTimes = new IsoTimes();

/** toISOString for an in-range ms value (util/iso-times.ts: no Date per event). */
function isoOf(ms: number): string {
  // lines of one second mostly carry the same ms: the same string object again (the detection
  // engine's time memo then matches it by identity)
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = eventTimes.text(ms);
  }
  noteIssuedTime(isoText, ms);
  return isoText;
}

function isoOrEpoch(d: Date): string {
  const ms = d.getTime();
  return new Date(inRange(ms) ? ms : 0).toISOString();
}

interface Provenance {
  id: string;
  kind: SourceKind;
  agentHost: string | undefined;
  path?: string;
  offset?: number;
  channel?: string;
  recordId?: number;
  /** Records read from the systemd journal, and the unit that wrote them. */
  journal?: { unit?: string };
}

/**
 * Latest event time a line may claim: collection (or receive) time plus the clock-skew tolerance.
 * A later time is broken or crafted; believed, a year-9999 event would sort after every real one
 * and outlive retention (which goes by event time) for ever, so the event falls back to the collector time.
 */
function latestPlausibleMs(ctx: RecordContext, c: Compiled): number {
  return Math.max(ctx.receivedAt.getTime(), ctx.collectedAt?.getTime() ?? 0) + c.toleranceMs;
}

function assemble(d: Draft, p: Provenance, ctx: RecordContext, c: Compiled): LogEvent {
  let time: string;
  let timeSource: LogEvent['time_source'];
  if (d.timeMs !== undefined && d.timeMs <= latestPlausibleMs(ctx, c)) {
    time = isoOf(d.timeMs);
    timeSource = 'line';
  } else if (ctx.collectedAt && inRange(ctx.collectedAt.getTime())) {
    time = isoOf(ctx.collectedAt.getTime());
    timeSource = 'collector';
  } else {
    time = receivedIso(ctx.receivedAt);
    timeSource = 'received';
  }

  const source: LogEvent['source'] = { kind: p.kind };
  if (ctx.tag) source.tag = truncate(ctx.tag, LIMITS.tag);
  if (p.path !== undefined) source.path = truncate(p.path, LIMITS.path);
  if (p.offset !== undefined) source.offset = p.offset;
  if (p.channel !== undefined) source.channel = truncate(p.channel, LIMITS.channel);
  if (p.recordId !== undefined) source.record_id = p.recordId;
  if (p.journal) {
    source.origin = 'journald';
    if (p.journal.unit !== undefined) source.unit = truncate(p.journal.unit, LIMITS.unit);
  }

  const ev: LogEvent = {
    id: p.id,
    time,
    time_source: timeSource,
    received_at: receivedIso(ctx.receivedAt),
    host: d.host ?? p.agentHost ?? 'unknown',
    source,
    severity: d.severity ?? 'info',
    message: truncate(d.message, c.maxMessage),
    fields: d.fields,
  };
  if (p.agentHost !== undefined) ev.agent_host = p.agentHost;
  if (timeSource === 'line' && d.timeOffsetMin !== undefined) ev.time_offset_minutes = d.timeOffsetMin;
  if (d.program !== undefined && d.program !== '') ev.program = truncate(d.program, LIMITS.program);
  if (d.pid !== undefined) ev.pid = d.pid;
  return ev;
}

// ---------------------------------------------------------------------------------------------
// shapes

function agentHostOf(rec: Record<string, unknown>, c: Compiled): string | undefined {
  return canonicalHostCached(rec.hostname, c.hostForm);
}

function pathOf(rec: Record<string, unknown>): string | undefined {
  return typeof rec.file === 'string' && rec.file !== '' ? rec.file : undefined;
}

/**
 * in_tail `inode_key`: a uint64 in the JSON. Above 2^53 JSON.parse rounds it, the same way every
 * time, so it still identifies the file; its text is what goes into the id.
 */
function inodeOf(rec: Record<string, unknown>): string | undefined {
  const v = rec.inode;
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? String(v) : undefined;
  return typeof v === 'string' && /^\d{1,20}$/.test(v) ? v : undefined;
}

/**
 * Application logs rarely name their program in a line; the file does ("/var/log/myapp/orders.log"
 * → "orders"), which keeps one app's events together for rules and anomaly series.
 */
function programFromPath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.indexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem === '' ? undefined : truncate(stem, 128);
}

function lineEvent(line: string, kind: SourceKind, agentHost: string | undefined, path: string | undefined, inode: string | undefined, offset: number | undefined, ctx: RecordContext, c: Compiled, messageOnly = false): LogEvent {
  return lineEventIn(makeEnv(c, ctx, agentHost, kind === 'auth' || kind === 'syslog', messageOnly), line, kind, agentHost, path, inode, offset, ctx, c, messageOnly);
}

/** lineEvent with its parser environment made by the caller (one per file for the offline tools, see rawLineNormalizer). */
function lineEventIn(env: LineEnv, line: string, kind: SourceKind, agentHost: string | undefined, path: string | undefined, inode: string | undefined, offset: number | undefined, ctx: RecordContext, c: Compiled, messageOnly: boolean): LogEvent {
  // A CRLF file (or a collector that keeps the newline) leaves line-end characters: not content.
  // The id below still hashes the line exactly as received.
  let text = line;
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  if (end !== text.length) text = text.slice(0, end);
  const d = parseRawLine(text, kind, path, env);
  if (kind === 'app') d.program ??= programFromPath(path);
  // messageOnly (offline files): no store deduplicates them, so the line's place is its identity
  const id = messageOnly && offset !== undefined ? positionalId(path ?? '', offset) : tailLineId(agentHost ?? '', path ?? '', inode, offset, ctx.collectedAt?.getTime(), line);
  const p: Provenance = { id, kind, agentHost };
  if (path !== undefined) p.path = path;
  if (offset !== undefined) p.offset = offset;
  return assemble(d, p, ctx, c);
}

/**
 * The keys a raw tail record's normalization reads (tailRaw and what it calls), which are the
 * tail-raw schema's properties: any other key of such a record changes nothing in its event.
 * Ingest relies on it to leave Fluent Bit's date key in the record (ingest/records.ts); a new
 * key read here belongs in this set (a test holds it to the schema's properties).
 */
const TAIL_RAW_KEYS: ReadonlySet<string> = new Set(['log', 'file', 'offset', 'inode', 'hostname', 'source_kind']);

export function tailRawKeyRead(key: string): boolean {
  return TAIL_RAW_KEYS.has(key);
}

function tailRaw(rec: Record<string, unknown>, ctx: RecordContext, c: Compiled): LogEvent {
  if (typeof rec.log !== 'string') throw new NormalizeError('tail record without a "log" string');
  const path = pathOf(rec);
  const kind = resolveKind(rec.source_kind, ctx.tag, path, 'app');
  return lineEvent(rec.log, kind, agentHostOf(rec, c), path, inodeOf(rec), toUint(rec.offset), ctx, c);
}

/** A record a Fluent Bit parser already split is identified like a raw line: where it was read, and what it says. */
function recordEvent(d: Draft, rec: Record<string, unknown>, kind: SourceKind, agentHost: string | undefined, path: string | undefined, ctx: RecordContext, c: Compiled): LogEvent {
  const offset = toUint(rec.offset);
  const id = tailLineId(agentHost ?? '', path ?? '', inodeOf(rec), offset, ctx.collectedAt?.getTime(), recordText(rec));
  const p: Provenance = { id, kind, agentHost };
  if (path !== undefined) p.path = path;
  if (offset !== undefined) p.offset = offset;
  return assemble(d, p, ctx, c);
}

function tailParsed(rec: Record<string, unknown>, ctx: RecordContext, c: Compiled): LogEvent {
  const path = pathOf(rec);
  const agentHost = agentHostOf(rec, c);
  const isWeb = Object.hasOwn(rec, 'code');
  const kind = resolveKind(rec.source_kind, ctx.tag, path, isWeb ? 'web_access' : 'syslog');
  const env = makeEnv(c, ctx, agentHost, !isWeb && kind !== 'app' && kind !== 'web_access' && kind !== 'web_error');
  const d = isWeb ? parsedWeb(rec, path, env) : parsedSyslog(rec, env);
  return recordEvent(d, rec, kind, agentHost, path, ctx, c);
}

/** Fluent Bit syslog parser output: time, host, ident, pid, message (+ pri for the stock ones). */
function parsedSyslog(rec: Record<string, unknown>, env: LineEnv): Draft {
  const message = typeof rec.message === 'string' ? rec.message : '';
  const d: Draft = { message: message.trimStart(), fields: {} };
  if (env.trustLineHost) {
    const host = canonicalHostCached(rec.host, env.hostForm);
    if (host !== undefined) d.host = host;
  }
  const ident = cleanText(rec.ident, LIMITS.program);
  if (ident !== undefined) d.program = ident;
  const pid = toUint(rec.pid);
  if (pid !== undefined) d.pid = pid;
  if (typeof rec.time === 'string') {
    const ms = syslogTimestamp(rec.time, d.host, env) ?? parseJsonTime(rec.time, env.zoneFor(d.host), d);
    if (ms !== undefined) d.timeMs = ms;
  } else if (typeof rec.time === 'number') {
    const ms = parseJsonTime(rec.time, env.zoneFor(d.host));
    if (ms !== undefined) d.timeMs = ms;
  }
  const pri = toUint(rec.pri, 191);
  if (pri !== undefined) d.severity = fromSyslogPri(pri);
  extractAuthFields(d.program, d.message, d.fields);
  d.severity ??= fromContent(d.message, d.program);
  return d;
}

/** Fluent Bit nginx/apache parser output: remote|host, user, method, path, code, size, referer, agent. */
function parsedWeb(rec: Record<string, unknown>, path: string | undefined, env: LineEnv): Draft {
  const d: Draft = { message: '', fields: {} };
  const f = d.fields;
  const program = webProgram(path);
  if (program !== undefined) d.program = program;
  const ip = canonicalIp(rec.remote) ?? canonicalIp(rec.host);
  if (ip !== undefined) f.src_ip = ip;
  const user = cleanText(rec.user, LIMITS.user);
  if (user !== undefined) f.user = user;
  const method = cleanText(rec.method, LIMITS.http_method);
  const reqPath = cleanText(rec.path, LIMITS.http_path);
  if (method !== undefined) splitRequest(`${method} ${reqPath ?? ''}`, f);
  const status = toUint(rec.code, 599);
  if (status !== undefined && status >= 100) f.http_status = status;
  const bytes = toUint(rec.size);
  if (bytes !== undefined) f.http_bytes = bytes;
  const referer = cleanText(rec.referer, LIMITS.http_referer);
  if (referer !== undefined) f.http_referer = referer;
  const agent = cleanText(rec.agent, LIMITS.user_agent);
  if (agent !== undefined) f.user_agent = agent;
  if (typeof rec.time === 'string') {
    const ms = accessTimestamp(rec.time) ?? parseIsoLike(rec.time, env.zoneFor(undefined));
    if (ms !== undefined) d.timeMs = ms;
  }
  d.severity = fromHttpStatus(f.http_status);
  // No raw line survives a parser: rebuild a combined-format line as the message.
  const q = (v: unknown) => (typeof v === 'string' && v !== '' ? v : '-');
  d.message = `${q(rec.remote ?? rec.host)} - ${q(rec.user)} "${q(rec.method)} ${q(rec.path)}" ${q(rec.code)} ${q(rec.size)} "${q(rec.referer)}" "${q(rec.agent)}"`;
  return d;
}

function appJson(rec: Record<string, unknown>, ctx: RecordContext, c: Compiled): LogEvent {
  const path = pathOf(rec);
  const agentHost = agentHostOf(rec, c);
  const kind = resolveKind(rec.source_kind, ctx.tag, path, 'app');
  const env = makeEnv(c, ctx, agentHost, false);
  const d = fromJsonObject(rec, env);
  if (kind === 'app') d.program ??= programFromPath(path);
  return recordEvent(d, rec, kind, agentHost, path, ctx, c);
}

/** The two Windows record shapes differ only in the names of the keys that identify a record. */
const WINDOWS_SHAPES = {
  winevtlog: { recordIdKey: 'EventRecordID', computerKey: 'Computer', build: fromWinEvtLog },
  winlog: { recordIdKey: 'RecordNumber', computerKey: 'ComputerName', build: fromWinLog },
} as const;

function windowsRecord(shape: keyof typeof WINDOWS_SHAPES, rec: Record<string, unknown>, ctx: RecordContext, c: Compiled): LogEvent {
  const { recordIdKey, computerKey, build } = WINDOWS_SHAPES[shape];
  const recordId = toUint(rec[recordIdKey]);
  const computer = rec[computerKey];
  // Channel may be "" (events of ETW-based logs); the record id and content still identify them.
  if (recordId === undefined || typeof rec.Channel !== 'string' || typeof computer !== 'string') {
    throw new NormalizeError(`${shape} record without Channel, ${recordIdKey} and ${computerKey}`);
  }
  const agentHost = agentHostOf(rec, c);
  const d = build(rec, makeEnv(c, ctx, agentHost, true));
  const id = eventId(`${shape}-content`, rec.Channel, recordId, computer, recordText(windowsContent(shape, rec, d.timeMs)));
  const p: Provenance = { id, kind: 'windows', agentHost, recordId };
  if (rec.Channel !== '') p.channel = rec.Channel;
  return assemble(d, p, ctx, c);
}

/** A systemd journal entry (journald.ts). */
function journalRecord(rec: Record<string, unknown>, ctx: RecordContext, c: Compiled): LogEvent {
  if (journalText(rec.MESSAGE) === undefined) throw new NormalizeError('journald record without MESSAGE');
  const agentHost = agentHostOf(rec, c);
  const collectedMs = ctx.collectedAt?.getTime();
  const d = fromJournal(rec, makeEnv(c, ctx, agentHost, true), collectedMs);
  const kind = isSourceKind(rec.source_kind) ? rec.source_kind : journalKind(rec, d.program);
  const unit = cleanText(journalText(rec._SYSTEMD_UNIT), LIMITS.unit);
  const p: Provenance = { id: journalId(rec, collectedMs), kind, agentHost, journal: unit !== undefined ? { unit } : {} };
  return assemble(d, p, ctx, c);
}

/**
 * Whether a record holds nothing but whitespace (a blank line in a tailed file, an empty line a
 * service wrote to the journal). Ingest counts and skips these instead of storing them as events.
 */
export function isBlankRecord(rec: Record<string, unknown>, shape: RecordShape): boolean {
  if (shape === 'tail_raw') return typeof rec.log === 'string' && rec.log.trim() === '';
  if (shape === 'journald') return isBlankJournalEntry(rec);
  return false;
}

// ---------------------------------------------------------------------------------------------
// public entry points

export function normalizeRecord(rec: Record<string, unknown>, shape: RecordShape, ctx: RecordContext, cfg: NormalizeConfig): LogEvent {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new NormalizeError('record is not an object');
  const c = compile(cfg);
  switch (shape) {
    case 'tail_raw':
      return tailRaw(rec, ctx, c);
    case 'tail_parsed':
      return tailParsed(rec, ctx, c);
    case 'app_json':
      return appJson(rec, ctx, c);
    case 'winevtlog':
      return windowsRecord('winevtlog', rec, ctx, c);
    case 'winlog':
      return windowsRecord('winlog', rec, ctx, c);
    case 'journald':
      return journalRecord(rec, ctx, c);
    default:
      throw new NormalizeError(`unknown record shape ${String(shape)}`);
  }
}

/**
 * A raw line of a file (the offline tools). `detail: 'message'` leaves out what rules declaring
 * `reads: 'message'` never read: the auth fields and content severity, and the content hash
 * of the id (a positional id instead: file and byte offset).
 */
export function normalizeRawLine(
  line: string,
  where: { path: string; offset: number; host?: string; kind?: SourceKind },
  ctx: RecordContext,
  cfg: NormalizeConfig,
  detail: 'full' | 'message' = 'full',
): LogEvent {
  return rawLineNormalizer(where, ctx, cfg, detail)(line, where.offset);
}

/**
 * normalizeRawLine for the lines of one file: the config lookup, kind, agent host and parser
 * environment (all the same for every line of it) are prepared once, not per line. The events
 * are those normalizeRawLine gives for each (line, offset).
 */
export function rawLineNormalizer(
  where: { path: string; host?: string; kind?: SourceKind },
  ctx: RecordContext,
  cfg: NormalizeConfig,
  detail: 'full' | 'message' = 'full',
): (line: string, offset: number) => LogEvent {
  const c = compile(cfg);
  const path = where.path;
  const kind = where.kind ?? kindFromPath(path);
  const agentHost = canonicalHost(where.host, c.hostForm);
  const messageOnly = detail === 'message';
  // One of its own, kept for the file's lines (not the record path's, which the next record resets).
  const env = new RecordEnv(c, ctx, agentHost, kind === 'auth' || kind === 'syslog', messageOnly);
  return (line, offset) => lineEventIn(env, line, kind, agentHost, path, undefined, toUint(offset), ctx, c, messageOnly);
}
