/**
 * The typed shape of a detection rule, as plugin authors write it (`plugin/rules/*.ts`), and the
 * checks run on it at load. `defineRule()` only returns its argument: it exists so the author's
 * editor checks the definition against these types.
 */
import type { AlertSeverity, LogEvent, SourceKind } from '../generated/schema-types.js';

export type { AlertSeverity, LogEvent, SourceKind };

/** Values a rule pulls out of an event; they can be grouped by, counted distinctly, or shown in the alert. */
export type Extracted = Record<string, string | number | undefined>;

/** A rule's own settings (e.g. the sshd rules' fail2ban `mode`), changed per deployment in `rules.overrides.<id>.settings`. */
export type RuleSettings = Readonly<Record<string, string | number | boolean>>;

/** Which events a rule looks at. Every listed constraint must hold; the engine indexes rules by them. */
export interface RuleMatch {
  /** Source kinds (auth, syslog, web_access, web_error, app, windows). Omitted: every kind. */
  kinds?: readonly SourceKind[];
  /** syslog ident / Windows provider, compared case-insensitively. */
  programs?: readonly string[];
  /** Windows channel (Security, System, Application), case-insensitive. */
  channels?: readonly string[];
  /** Windows EventIDs. */
  eventIds?: readonly number[];
  /** Any further test. Must be cheap and must not run unbounded regexes over attacker text. */
  where?: (event: LogEvent) => boolean;
}

interface FireBase {
  /**
   * Fields the rule counts separately, e.g. ['src_ip'] or ['host', 'user']. A name is looked up
   * first among the extracted values, then as an event field (see fields.ts). Events missing a
   * group field are grouped under the empty string.
   */
  groupBy?: readonly string[];
  /** Seconds of event time a group stays quiet after firing (default: rules.default_quiet_s). */
  quietSec?: number;
}

/** Fires on every matching event (one alert per group per quiet period). */
export interface SingleFire extends FireBase {
  mode: 'single';
}

/** Fires when `threshold` matching events of one group fall within any `windowSec` span. */
export interface CountFire extends FireBase {
  mode: 'count';
  threshold: number;
  windowSec: number;
}

/** Fires when `threshold` distinct values of `field` are seen in one group within any `windowSec` span. */
export interface DistinctFire extends FireBase {
  mode: 'distinct';
  field: string;
  threshold: number;
  windowSec: number;
}

/**
 * Fires when the steps occur within `windowSec` in one group. The rule's `extract` names the step
 * an event belongs to in the `step` value. Ordered: each step's events precede the next step's,
 * and the rule is checked when an event of the last step arrives (e.g. ≥5 failures, then a
 * success from the same IP). Unordered: all steps in the window ending at the newest event.
 */
export interface SequenceFire extends FireBase {
  mode: 'sequence';
  steps: ReadonlyArray<{ name: string; min: number }>;
  ordered: boolean;
  windowSec: number;
}

export type FireSpec = SingleFire | CountFire | DistinctFire | SequenceFire;

/** What `summary` gets to describe a firing group. */
export interface AlertContext {
  group: Record<string, string>;
  count: number;
  /** Distinct values seen per extracted key (bounded), e.g. users tried. */
  values: Record<string, string[]>;
  firstSeen: string;
  lastSeen: string;
  windowSec: number;
  threshold: number;
}

export interface RuleDefinition {
  /** Stable id, lowercase words joined by '-' or '.', e.g. 'ssh-brute-force'. Used in config overrides and alert fingerprints. */
  id: string;
  title: string;
  description: string;
  severity: AlertSeverity;
  /** MITRE ATT&CK tags in Sigma style: 'attack.credential_access', 'attack.t1110.001'. */
  tags?: readonly string[];
  match: RuleMatch;
  /** Pulls values out of a matching event; return null when the event does not qualify after all. */
  extract?: (event: LogEvent) => Extracted | null;
  /** The rule's settings with their defaults; an override may change their values, not add keys or change types. */
  settings?: RuleSettings;
  /** Problems with the effective settings (e.g. a value outside the allowed ones); empty when valid. */
  checkSettings?: (settings: RuleSettings) => string[];
  /**
   * Instead of `extract`, for rules that keep state across events (sshd sessions): called once
   * each time the rule is loaded with its effective settings and a map shared by the rules loaded
   * together (so related rules can share one state), returns the extract function. State made
   * here lives as long as that load, so separate loads (service, test runs) never mix.
   */
  setup?: (settings: RuleSettings, shared: Map<string, unknown>) => (event: LogEvent) => Extracted | null;
  fire: FireSpec;
  /**
   * `'message'`: match, extract and summary read only the event's time, host, program, pid,
   * source and message (never `fields` or `severity`), and groupBy / distinct names are read
   * from the extracted values or those top-level parts only, in the service as offline. The
   * offline tools then skip deriving fields, content severity and the content-hashed id for the
   * lines only such rules read (the SSH rules: their own fail2ban regexes read the message).
   */
  reads?: 'message';
  /** One-line description of a firing group; a default is built from the group and count. */
  summary?: (ctx: AlertContext) => string;
}

/** Identity function that gives plugin authors type checking of their rule. */
export function defineRule(rule: RuleDefinition): RuleDefinition {
  return rule;
}

const SEVERITIES: readonly string[] = ['informational', 'low', 'medium', 'high', 'critical'];
const KINDS: readonly string[] = ['auth', 'syslog', 'web_access', 'web_error', 'app', 'windows'];
const ID_RE = /^[a-z0-9][a-z0-9._-]{0,99}$/;

function positiveInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function isSettingValue(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * A rule's effective settings: its defaults with the override's values. Unknown keys, changed
 * types and values the rule's own check refuses are errors (a typo must not silently keep the default).
 */
export function resolveSettings(def: Pick<RuleDefinition, 'id' | 'settings' | 'checkSettings'>, override: Record<string, string | number | boolean> | undefined): { settings: RuleSettings; errors: string[] } {
  const defaults: RuleSettings = def.settings ?? {};
  const errors: string[] = [];
  const settings: Record<string, string | number | boolean> = { ...defaults };
  for (const [k, v] of Object.entries(override ?? {})) {
    if (!(k in defaults)) errors.push(`rules.overrides.${def.id}.settings.${k}: the rule has no such setting (it has: ${Object.keys(defaults).join(', ') || 'none'})`);
    else if (typeof v !== typeof defaults[k]) errors.push(`rules.overrides.${def.id}.settings.${k}: expected a ${typeof defaults[k]}, got ${JSON.stringify(v)}`);
    else settings[k] = v;
  }
  if (!errors.length && def.checkSettings) for (const p of def.checkSettings(settings)) errors.push(`rules.overrides.${def.id}.settings: ${p}`);
  return { settings, errors };
}

function stringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0);
}

/**
 * Checks a rule module's export at load time (plugins are plain JS at runtime, so the types alone
 * prove nothing). Returns the problems found; empty means valid.
 */
export function validateRuleDefinition(value: unknown): string[] {
  const errors: string[] = [];
  if (typeof value !== 'object' || value === null) return ['the default export is not a rule object (use defineRule({...}))'];
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || !ID_RE.test(r.id)) errors.push(`id must match ${ID_RE} (got ${JSON.stringify(r.id)})`);
  for (const k of ['title', 'description'] as const) if (typeof r[k] !== 'string' || !(r[k] as string).trim()) errors.push(`${k} must be a non-empty string`);
  if (!SEVERITIES.includes(r.severity as string)) errors.push(`severity must be one of ${SEVERITIES.join(', ')}`);
  if (r.tags !== undefined && !stringArray(r.tags)) errors.push('tags must be an array of strings');
  if (r.extract !== undefined && typeof r.extract !== 'function') errors.push('extract must be a function');
  if (r.summary !== undefined && typeof r.summary !== 'function') errors.push('summary must be a function');
  if (r.setup !== undefined && typeof r.setup !== 'function') errors.push('setup must be a function');
  if (r.setup !== undefined && r.extract !== undefined) errors.push('extract and setup exclude each other (setup returns the extract function)');
  if (r.checkSettings !== undefined && typeof r.checkSettings !== 'function') errors.push('checkSettings must be a function');
  if (r.settings !== undefined && !(typeof r.settings === 'object' && r.settings !== null && !Array.isArray(r.settings) && Object.values(r.settings).every(isSettingValue))) errors.push('settings must map names to strings, numbers or booleans');

  const m = r.match as Record<string, unknown> | undefined;
  if (typeof m !== 'object' || m === null) errors.push('match is required');
  else {
    if (m.kinds !== undefined && !(stringArray(m.kinds) && m.kinds.every((k) => KINDS.includes(k)))) errors.push(`match.kinds must list source kinds (${KINDS.join(', ')})`);
    if (m.programs !== undefined && !stringArray(m.programs)) errors.push('match.programs must be an array of strings');
    if (m.channels !== undefined && !stringArray(m.channels)) errors.push('match.channels must be an array of strings');
    if (m.eventIds !== undefined && !(Array.isArray(m.eventIds) && m.eventIds.every((n) => Number.isInteger(n) && n >= 0 && n <= 65535))) errors.push('match.eventIds must be integers 0-65535');
    if (m.where !== undefined && typeof m.where !== 'function') errors.push('match.where must be a function');
    if (r.reads !== undefined && r.reads !== 'message') errors.push(`reads must be 'message' when given (got ${JSON.stringify(r.reads)})`);
  }

  const f = r.fire as Record<string, unknown> | undefined;
  if (typeof f !== 'object' || f === null) errors.push('fire is required');
  else {
    if (f.groupBy !== undefined && !stringArray(f.groupBy)) errors.push('fire.groupBy must be an array of field names');
    if (f.quietSec !== undefined && !(typeof f.quietSec === 'number' && f.quietSec >= 0)) errors.push('fire.quietSec must be a number ≥ 0');
    switch (f.mode) {
      case 'single':
        break;
      case 'count':
      case 'distinct':
        if (!positiveInt(f.threshold)) errors.push('fire.threshold must be an integer ≥ 1');
        if (!positiveInt(f.windowSec)) errors.push('fire.windowSec must be an integer ≥ 1');
        if (f.mode === 'distinct' && (typeof f.field !== 'string' || !f.field)) errors.push('fire.field (the value counted distinctly) is required');
        break;
      case 'sequence':
        if (!positiveInt(f.windowSec)) errors.push('fire.windowSec must be an integer ≥ 1');
        if (typeof f.ordered !== 'boolean') errors.push('fire.ordered must be true or false');
        if (!Array.isArray(f.steps) || f.steps.length < 2) errors.push('fire.steps must list at least two steps');
        else
          for (const s of f.steps as unknown[]) {
            const step = s as Record<string, unknown>;
            if (typeof step?.name !== 'string' || !positiveInt(step.min)) errors.push('each fire.steps entry needs a name and an integer min ≥ 1');
          }
        break;
      default:
        errors.push(`fire.mode must be single, count, distinct or sequence (got ${JSON.stringify(f.mode)})`);
    }
  }
  return errors;
}
