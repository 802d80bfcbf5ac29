/**
 * The windowed detection engine: one instance runs every compiled rule (plugin or Sigma) over
 * events and emits AlertSignals. Semantics (also in plugin/README.md):
 *
 * - Time is EVENT time (LogEvent.time), never arrival time. Window length W: a count/distinct
 *   rule fires when `threshold` entries of one group lie within any span shorter than W
 *   (all in (t − W, t]). Windows slide: every position counts, not fixed buckets.
 * - Late / out-of-order events: an event up to `allowedLateness` behind the newest event of its
 *   group is inserted at its place in time and every window containing it is checked; older
 *   ones are dropped and counted (late_dropped_total).
 * - One alert per burst: when a group fires, its window is consumed (cleared) and the group is
 *   quiet for `quiet` (event time) from the last event of the burst. Matches in the quiet period
 *   (or late events belonging to the fired burst) emit nothing; they are counted
 *   (suppressed_total) and reported in the next alert of that group as `suppressed_before`.
 *   After the quiet period a fresh threshold's worth of events is needed to fire again. The
 *   alerting stage deduplicates by fingerprint (rule_id + group) on top of that.
 * - State is bounded: at most maxGroupsPerRule groups per rule (least recently touched group
 *   evicted, groups_evicted_total), at most maxEventsPerGroup entries per group (oldest dropped,
 *   entries_truncated_total); groups whose newest event is older than the watermark minus
 *   max(window, quiet) + lateness are expired (groups_expired_total).
 * - Restart: the detection module saves what changed since its last checkpoint (exportChanges:
 *   the heads of changed groups, the window entries added and removed since, never a whole
 *   window again) with its pump cursor and loads it back at start-up (restore), so every open
 *   window, quiet period and sequence step survives, whatever the event times.
 * - Warm mode: events are run through the same code without emitting (used by tests and tools
 *   that rebuild state from events).
 */
import type { AlertSignal, LogEvent } from '../generated/schema-types.js';
import type { AlertSink, Clock } from '../pipeline/contracts.js';
import type { CompiledRule, Evaluation } from './compiled.js';
import type { Extracted } from './rule.js';
import { RuleIndex } from './rule-index.js';
import { PrefilterIndex } from './sigma/prefilter.js';
import { entriesToTrim, insertSorted, upperBound, windowEntry, widestWindowContaining, type Span, type WindowEntry } from './windows.js';

export interface EngineLimits {
  maxGroupsPerRule: number;
  maxEventsPerGroup: number;
  allowedLatenessMs: number;
  samplesPerAlert: number;
}

export const DEFAULT_LIMITS: EngineLimits = { maxGroupsPerRule: 20_000, maxEventsPerGroup: 1000, allowedLatenessMs: 600_000, samplesPerAlert: 5 };

/** Counters the service exports (Prometheus names: logward_detect_<key>). */
export interface DetectMetrics {
  events_total: number;
  matches_total: number;
  signals_total: number;
  suppressed_total: number;
  late_dropped_total: number;
  groups_evicted_total: number;
  groups_expired_total: number;
  entries_truncated_total: number;
  rule_errors_total: number;
  bad_time_total: number;
  warmup_events_total: number;
  warmup_signals_total: number;
  duplicates_skipped_total: number;
  /** Per rule id: matches and signals. */
  by_rule: Map<string, { matches: number; signals: number }>;
}

export function newMetrics(): DetectMetrics {
  return {
    events_total: 0, matches_total: 0, signals_total: 0, suppressed_total: 0, late_dropped_total: 0, groups_evicted_total: 0,
    groups_expired_total: 0, entries_truncated_total: 0, rule_errors_total: 0, bad_time_total: 0, warmup_events_total: 0,
    warmup_signals_total: 0, duplicates_skipped_total: 0, by_rule: new Map(),
  };
}

interface GroupState {
  key: string;
  /** LRU list links (least recently touched at the head). */
  prev: GroupState | undefined;
  next: GroupState | undefined;
  /**
   * The groupBy values; undefined when they are just [key] (one groupBy name: most rules), so a
   * group does not keep an array of its own for it (groupValues() gives it).
   */
  values: string[] | undefined;
  newest: number;
  entries: WindowEntry[];
  /** Time of the last event of the last fired burst; NaN before the first fire. */
  lastFire: number;
  suppressed: number;
  /** Engine-wide touch ordinal: restores the LRU order after a restart. */
  touched: number;
  /** Restored from a checkpoint and not yet needed: values, entries, lastFire, suppressed are still in the store. */
  unloaded: boolean;
  /** In the engine's dirty list (changed since the last exportChanges() that was committed). */
  dirty: boolean;
  /**
   * This group (this incarnation of its key) is in the last committed checkpoint: then every
   * entry of its window with an ord at or below the committed entry counter is saved, and
   * `gone` holds the ords of saved entries the window dropped since (the checkpoint's
   * `removed`). Kept as it happens instead of a sorted copy of every saved ord per group and
   * checkpoint, compared with the window at each export: those arrays lived from one
   * checkpoint to the next, copied and promoted by the GC for every changed group.
   */
  saved: boolean;
  gone: number[] | undefined;
}

/** What identifies a saved group and orders it (loaded for every group at start-up). */
export interface SavedGroupHead {
  rule: string;
  key: string;
  touched: number;
  newest: number;
}

/** The rest of a saved group, loaded when an event first touches it after a restart (JSON-safe: NaN becomes null). */
export interface SavedGroupBody {
  values: string[];
  /** In time order (equal times in creation order), each with its `ord`. */
  entries: WindowEntry[];
  lastFire: number | null;
  suppressed: number;
}

/**
 * A changed group as the checkpoint writes it: its head and small state always, of its window
 * only what changed since the last committed checkpoint (a window of n entries that gained one
 * is one entry written, not n).
 */
export interface SavedGroupChange extends SavedGroupHead {
  values: string[];
  lastFire: number | null;
  suppressed: number;
  /** Never saved in this incarnation: whatever an older group of the same key left saved goes, `added` is the whole window. */
  fresh: boolean;
  /** Entries created since the last committed checkpoint (each with its `ord`). */
  added: WindowEntry[];
  /** Ords of saved entries the window no longer holds. */
  removed: number[];
}

/** What changed since the last exportChanges(): groups to write, keys (per rule id) to delete. */
export interface StateChanges {
  upserts: SavedGroupChange[];
  deletes: Array<{ rule: string; key: string }>;
  watermark: number | null;
  touchCounter: number;
  /** Last entry ord handed out: restored with the state, so ords stay unique across restarts. */
  entryCounter: number;
}

/** A group as one checkpoint change: its head and small state, and of its window what `added`/`removed` say. */
function groupChange(rule: string, g: GroupState, fresh: boolean, added: WindowEntry[], removed: number[]): SavedGroupChange {
  return {
    rule,
    key: g.key,
    touched: g.touched,
    newest: g.newest,
    values: groupValues(g),
    lastFire: Number.isNaN(g.lastFire) ? null : g.lastFire,
    suppressed: g.suppressed,
    fresh,
    added,
    removed,
  };
}

/** Called for every rule match (test-rule shows them); cheap no-op by default. */
export type MatchObserver = (rule: CompiledRule, event: LogEvent, evaluation: Evaluation) => void;

const SWEEP_EVERY = 8192;
/** Events stamped further in the future than this (vs the clock) do not move the watermark. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;
const MAX_VALUES_PER_KEY = 20;
const MAX_VALUE_CHARS = 256;
const MAX_SAMPLE_CHARS = 2048;
const MAX_EVENT_IDS = 100;

export class DetectionEngine {
  readonly metrics: DetectMetrics = newMetrics();
  private readonly index: RuleIndex;
  /** Sigma rules with a prefilter spec (thousands of SigmaHQ Windows rules): looked up by channel, EventID and field values. */
  private readonly prefiltered: PrefilterIndex<CompiledRule> | undefined;
  private readonly state = new Map<CompiledRule, GroupTable>();
  private watermark = -Infinity;
  private sinceSweep = 0;
  private warming = false;
  private loggedErrors = 0;
  onMatch: MatchObserver | undefined;
  private readonly lowerProgram = new LowerCache();
  private readonly lowerChannel = new LowerCache();
  private touchCounter = 0;
  /** Last window entry ord handed out, and its value at the last committed checkpoint (entries above it are unsaved). */
  private entryCounter = 0;
  private committedEntries = 0;
  /** The groups of the last exportChanges(), marked saved by takeChanges(). */
  private exported: GroupState[] = [];
  /** Reads a restored group's body from the checkpoint (see restore()). */
  private loadBody: ((rule: string, key: string) => SavedGroupBody | undefined) | undefined;
  /**
   * Groups created or changed since the last committed exportChanges(), in the order first
   * changed, with their rules (parallel arrays; a group's `dirty` flag says it is listed, so a
   * touch costs a flag test, not a Map insert). A group dropped since stays listed: export skips it.
   */
  private dirtyGroups: GroupState[] = [];
  private dirtyRules: CompiledRule[] = [];
  /** Groups dropped while listed (unmarked, still in the arrays). */
  private dirtyDropped = 0;
  /** Groups dropped since then, by rule: their saved rows are deleted. */
  private removed = new Map<CompiledRule, Set<string>>();
  /**
   * The last group groupFor() handed out, with its rule and key: a session's matches follow each
   * other with one key, so most skip the Map lookup. While set, the group is live, loaded and in
   * `dirty`; drop(), takeChanges() and restore() clear it.
   */
  private lastRule: CompiledRule | undefined;
  private lastKey = '';
  private lastGroup: GroupState | undefined;

  constructor(
    readonly rules: readonly CompiledRule[],
    private readonly sink: AlertSink,
    private readonly clock: Clock,
    private readonly limits: EngineLimits = DEFAULT_LIMITS,
    private readonly log: (m: string) => void = () => {},
  ) {
    const prefiltered = rules.filter((r) => r.prefilter);
    this.index = new RuleIndex(prefiltered.length ? rules.filter((r) => !r.prefilter) : rules);
    this.prefiltered = prefiltered.length ? new PrefilterIndex(prefiltered) : undefined;
    for (const r of rules) this.metrics.by_rule.set(r.id, { matches: 0, signals: 0 });
    // Each rule's table carries its counters: a match looks its rule up once (was also a by_rule.get by id per match and per signal).
    for (const r of rules) this.state.set(r, new GroupTable(this.metrics.by_rule.get(r.id)!));
  }

  /** Longest span of event time any rule needs to look back (window or quiet, plus lateness). */
  maxLookbackMs(): number {
    let m = 0;
    for (const r of this.rules) m = Math.max(m, r.fire.windowMs, r.fire.quietMs);
    return m + this.limits.allowedLatenessMs;
  }

  /** Open groups across all rules (a gauge). */
  groupCount(): number {
    let n = 0;
    for (const m of this.state.values()) n += m.map.size;
    return n;
  }

  /** Open groups of one rule. */
  groupCountOf(rule: CompiledRule): number {
    return this.state.get(rule)?.map.size ?? 0;
  }

  process(events: readonly LogEvent[]): void {
    for (const e of events) this.processOne(e);
  }

  /** Runs events through the rules without emitting (restart warm-up). */
  warm(events: readonly LogEvent[]): void {
    this.warming = true;
    try {
      for (const e of events) {
        this.metrics.warmup_events_total++;
        this.processOne(e);
      }
    } finally {
      this.warming = false;
    }
  }

  /**
   * `timeMs`: the event's time in ms when the caller has it (the pump: the stored row's time_ms,
   * Date.parse of e.time as the encoder computed it), so the time text is not read again: that
   * read flattened every decoded time string (a concatenation) and parsed its digits per event.
   * Left out, the text is parsed here.
   */
  processOne(e: LogEvent, timeMs?: number): void {
    this.metrics.events_total++;
    let t: number;
    if (timeMs === undefined) t = eventTimeMs(e.time);
    else {
      t = timeMs;
      // Rule code reading this event's time (the sshd rules' session clock) finds it in the memo
      // by identity, not by comparing and parsing the text.
      lastTimeText = e.time;
      lastTimeMs = t;
    }
    if (Number.isNaN(t)) {
      this.metrics.bad_time_total++;
      return;
    }
    if (t > this.watermark && t <= this.clock.now() + MAX_FUTURE_SKEW_MS) this.watermark = t;
    const program = this.lowerProgram.get(e.program);
    const channel = this.lowerChannel.get(e.source.channel);
    const candidates = this.index.candidates(e, program);
    for (let i = 0; i < candidates.length; i++) {
      const rule = candidates[i]!;
      if (this.index.passes(rule, e, program, channel)) this.tryRule(rule, e, t);
    }
    if (this.prefiltered) {
      // The prefilter's (channel, EventID) bucket already decided what passes() would.
      const more = this.prefiltered.candidates(e, channel);
      for (let i = 0; i < more.length; i++) this.tryRule(more[i]!, e, t);
    }
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep();
  }

  private tryRule(rule: CompiledRule, e: LogEvent, t: number): void {
    let ev: Evaluation | null;
    try {
      ev = rule.evaluate(e);
    } catch (err) {
      this.metrics.rule_errors_total++;
      if (this.loggedErrors++ < 20) this.log(`detect: rule ${rule.id} (${rule.file}) threw on event ${e.id}: ${(err as Error).message}`);
      return;
    }
    if (!ev) return;
    this.metrics.matches_total++;
    const groups = this.state.get(rule)!; // looked up once per match, and only for a match
    groups.counters.matches++;
    this.onMatch?.(rule, e, ev);
    this.apply(rule, groups, e, t, ev);
  }

  /** Drops groups no event can still affect. Groups are kept in touch order, so stop at the first live one. */
  sweep(): void {
    this.sinceSweep = 0;
    if (this.watermark === -Infinity) return;
    for (const [rule, groups] of this.state) {
      const cutoff = this.watermark - Math.max(rule.fire.windowMs, rule.fire.quietMs) - this.limits.allowedLatenessMs;
      for (let g = groups.head; g && g.newest < cutoff; g = groups.head) {
        this.drop(rule, groups, g);
        this.metrics.groups_expired_total++;
      }
    }
  }

  private groupFor(rule: CompiledRule, groups: GroupTable, e: LogEvent, ev: Evaluation): GroupState {
    const key = ev.key ?? rule.key(e, ev.values);
    let g = this.lastGroup;
    if (g && rule === this.lastRule && key === this.lastKey) {
      groups.touch(g);
      g.touched = ++this.touchCounter;
      return g;
    }
    g = groups.map.get(key);
    if (g) {
      if (g.unloaded) this.load(rule, g);
      groups.touch(g);
      g.touched = ++this.touchCounter;
      this.markDirty(rule, g);
      this.remember(rule, key, g);
      return g;
    }
    g = newGroup(key, keptValues(key, rule.groupKey(e, ev.values)), -Infinity, ++this.touchCounter, false);
    groups.add(g);
    this.markDirty(rule, g);
    this.removed.get(rule)?.delete(key);
    this.remember(rule, key, g); // before the eviction: should that drop g itself, it forgets it
    if (groups.map.size > this.limits.maxGroupsPerRule) {
      this.drop(rule, groups, groups.head!);
      this.metrics.groups_evicted_total++;
    }
    return g;
  }

  /** The dirty list without its dropped groups (in order). */
  private compactDirty(): void {
    let n = 0;
    for (let i = 0; i < this.dirtyGroups.length; i++) {
      const g = this.dirtyGroups[i]!;
      if (!g.dirty) continue;
      this.dirtyGroups[n] = g;
      this.dirtyRules[n++] = this.dirtyRules[i]!;
    }
    this.dirtyGroups.length = n;
    this.dirtyRules.length = n;
    this.dirtyDropped = 0;
  }

  private markDirty(rule: CompiledRule, g: GroupState): void {
    if (g.dirty) return;
    g.dirty = true;
    this.dirtyGroups.push(g);
    this.dirtyRules.push(rule);
  }

  /** Entries [from, to) of g's window are leaving it: the saved ones are noted for the checkpoint's `removed`. */
  private leaving(g: GroupState, from: number, to: number): void {
    if (!g.saved) return;
    const committed = this.committedEntries;
    const entries = g.entries;
    for (let i = from; i < to; i++) {
      const ord = entries[i]!.ord!;
      if (ord <= committed) (g.gone ??= []).push(ord);
    }
  }

  private remember(rule: CompiledRule | undefined, key: string, g: GroupState | undefined): void {
    this.lastRule = rule;
    this.lastKey = key;
    this.lastGroup = g;
  }

  private load(rule: CompiledRule, g: GroupState): void {
    g.unloaded = false;
    let body: SavedGroupBody | undefined;
    try {
      body = this.loadBody?.(rule.id, g.key);
    } catch (err) {
      // An unreadable row must not stop detection: the group starts empty, and says so.
      this.log(`detect: saved window of rule ${rule.id} unreadable, starting it empty: ${(err as Error).message}`);
    }
    if (!body) return; // gone from the checkpoint: an empty group
    g.values = keptValues(g.key, body.values);
    g.entries = body.entries;
    g.lastFire = body.lastFire ?? NaN;
    g.suppressed = body.suppressed;
    g.saved = true; // every entry of the body is in the checkpoint
  }

  private drop(rule: CompiledRule, groups: GroupTable, g: GroupState): void {
    if (g === this.lastGroup) this.remember(undefined, '', undefined);
    if (g.dirty) {
      // Still listed: unmarked (export skips it) and let go of once such entries are half the list,
      // so evicted groups are not held (an engine without checkpoints never empties the list).
      g.dirty = false;
      if (++this.dirtyDropped > DIRTY_COMPACT_MIN && 2 * this.dirtyDropped > this.dirtyGroups.length) this.compactDirty();
    }
    groups.remove(g);
    let keys = this.removed.get(rule);
    if (!keys) this.removed.set(rule, (keys = new Set()));
    keys.add(g.key);
  }

  /**
   * The groups changed or dropped since the previous call, to be saved with the consumer's
   * cursor. Call takeChanges() once the save committed; until then the same changes (and any
   * newer ones) are exported again.
   */
  exportChanges(): StateChanges {
    const upserts: SavedGroupChange[] = [];
    const exported: GroupState[] = [];
    const committed = this.committedEntries;
    const groups = this.dirtyGroups;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      const rule = this.dirtyRules[i]!;
      if (!g.dirty) continue; // dropped since (its key is in `removed`)
      let added: WindowEntry[];
      let removed: number[] = [];
      if (!g.saved) added = g.entries;
      else {
        // Every entry at or below the committed ord of a group already saved is in the
        // checkpoint (its group was dirty when it was created); the ones above are new.
        added = [];
        for (const e of g.entries) if (e.ord! > committed) added.push(e);
        // Ascending, as the checkpoint has always listed them.
        if (g.gone) removed = g.gone.slice().sort((a, b) => a - b);
      }
      exported.push(g);
      upserts.push(groupChange(rule.id, g, !g.saved, added, removed));
    }
    this.exported = exported;
    const deletes: Array<{ rule: string; key: string }> = [];
    for (const [rule, keys] of this.removed) for (const key of keys) deletes.push({ rule: rule.id, key });
    return { upserts, deletes, watermark: Number.isFinite(this.watermark) ? this.watermark : null, touchCounter: this.touchCounter, entryCounter: this.entryCounter };
  }

  /**
   * Every open group whole, as fresh upserts (no deletes: a snapshot replaces everything saved
   * before it). Groups restored but not yet loaded are loaded for it. takeChanges() after it
   * committed, as after exportChanges().
   */
  exportAll(): StateChanges {
    const upserts: SavedGroupChange[] = [];
    const exported: GroupState[] = [];
    for (const [rule, groups] of this.state) {
      for (let g = groups.head; g; g = g.next) {
        if (g.unloaded) this.load(rule, g);
        exported.push(g);
        upserts.push(groupChange(rule.id, g, true, g.entries, []));
      }
    }
    this.exported = exported;
    return { upserts, deletes: [], watermark: Number.isFinite(this.watermark) ? this.watermark : null, touchCounter: this.touchCounter, entryCounter: this.entryCounter };
  }

  /** The changes last exported are saved: start collecting afresh. */
  takeChanges(): void {
    // The caller exports, saves and calls this with no event processed in between (the pump's
    // commit is synchronous), so what was exported is exactly what is now saved.
    for (const g of this.exported) {
      g.saved = true;
      g.gone = undefined;
    }
    this.exported = [];
    this.committedEntries = this.entryCounter;
    this.remember(undefined, '', undefined); // its group is no longer in `dirty`
    for (const g of this.dirtyGroups) g.dirty = false;
    this.dirtyGroups = [];
    this.dirtyRules = [];
    this.dirtyDropped = 0;
    this.removed = new Map();
  }

  /**
   * Loads the heads of saved groups, in touch order (least recently touched first; pages may come
   * in several calls, in order), into an engine that has processed nothing yet; each group's body (window entries, quiet period) is
   * read through `loadBody` when an event first touches it, so start-up costs a few µs per
   * group, not a parse of every window. Groups of rules that no longer exist are ignored;
   * returns how many were loaded.
   */
  restore(
    heads: readonly SavedGroupHead[],
    watermark: number | null,
    touchCounter: number,
    loadBody: (rule: string, key: string) => SavedGroupBody | undefined,
    entryCounter = 0,
  ): number {
    this.loadBody = loadBody;
    this.remember(undefined, '', undefined);
    this.entryCounter = Math.max(this.entryCounter, entryCounter);
    this.committedEntries = this.entryCounter;
    const byId = new Map<string, CompiledRule>();
    for (const r of this.rules) byId.set(r.id, r);
    let n = 0;
    for (const h of heads) {
      const rule = byId.get(h.rule);
      if (!rule) continue;
      const table = this.state.get(rule)!;
      const old = table.map.get(h.key);
      if (old) table.remove(old);
      table.add(newGroup(h.key, NO_VALUES, h.newest, h.touched, true));
      n++;
    }
    if (watermark !== null && watermark > this.watermark) this.watermark = watermark;
    this.touchCounter = Math.max(this.touchCounter, touchCounter);
    return n;
  }

  private apply(rule: CompiledRule, groups: GroupTable, e: LogEvent, t: number, ev: Evaluation): void {
    const fire = rule.fire;
    const g = this.groupFor(rule, groups, e, ev);
    if (t < g.newest - this.limits.allowedLatenessMs) {
      this.metrics.late_dropped_total++;
      return;
    }
    if (t > g.newest) g.newest = t;
    if (!Number.isNaN(g.lastFire)) {
      const reach = fire.mode === 'single' ? fire.quietMs : fire.windowMs;
      if (t < g.lastFire + fire.quietMs && t >= g.lastFire - reach) {
        g.suppressed++;
        this.metrics.suppressed_total++;
        return;
      }
    }
    const distinct = fire.mode === 'single' ? undefined : ev.distinct;
    const entry = windowEntry(t, e.id, retain(e.message, MAX_SAMPLE_CHARS), e.host, boundValues(ev.values), distinct, fire.mode === 'single' ? undefined : ev.steps, ++this.entryCounter);
    if (fire.mode === 'single') {
      this.fire(rule, groups, g, [entry], e);
      return;
    }
    if (distinct !== undefined) {
      // A distinct value counts once, at its latest time: drop its older entry.
      let prev = -1;
      for (let k = 0; k < g.entries.length; k++) if (g.entries[k]!.distinct === distinct) {
        prev = k;
        break;
      }
      if (prev >= 0) {
        if (g.entries[prev]!.t >= t) return;
        this.leaving(g, prev, prev + 1);
        g.entries.splice(prev, 1);
      }
    }
    const at = append(g, entry);
    const trim = entriesToTrim(g.entries, g.newest - this.limits.allowedLatenessMs - fire.windowMs, this.limits.maxEventsPerGroup);
    if (trim.removed > 0) {
      this.leaving(g, 0, trim.removed);
      g.entries.splice(0, trim.removed);
    }
    this.metrics.entries_truncated_total += trim.truncated;
    const i = at - trim.removed;
    if (i < 0) return; // trimmed away as the oldest entry
    const span = fire.mode === 'sequence' ? this.sequenceSpan(rule, g.entries, i) : this.thresholdSpan(rule, g.entries, i);
    if (!span) return;
    const burst = g.entries.slice(span.lo, span.hi + 1);
    this.leaving(g, 0, span.hi + 1);
    // The burst is consumed; entries after it (possible when a late event completed an earlier
    // window) stay for the next burst.
    g.entries = span.hi + 1 < g.entries.length ? g.entries.slice(span.hi + 1) : [];
    this.fire(rule, groups, g, burst, e);
  }

  private thresholdSpan(rule: CompiledRule, entries: WindowEntry[], i: number): Span | null {
    const span = widestWindowContaining(entries, i, rule.fire.windowMs);
    return span.hi - span.lo + 1 >= rule.fire.threshold ? span : null;
  }

  /** A sequence completed by entry i: a late event may complete one whose later steps are already stored. */
  private sequenceSpan(rule: CompiledRule, entries: WindowEntry[], i: number): Span | null {
    if (!rule.fire.ordered) return this.unorderedSpan(rule, entries, i);
    // Every final step within reach after i ends a window holding i (one check for in-order input).
    const ti = entries[i]!.t;
    for (let end = i; end < entries.length && entries[end]!.t - ti < rule.fire.windowMs; end++) {
      const span = this.orderedSpanEndingAt(rule, entries, end);
      if (span) return span;
    }
    return null;
  }

  /** The final step at `end`, preceded by every earlier step (each `min` times, latest first) within the window. */
  private orderedSpanEndingAt(rule: CompiledRule, entries: WindowEntry[], end: number): Span | null {
    const { steps, windowMs } = rule.fire;
    const entry = entries[end]!;
    const last = steps[steps.length - 1]!;
    if (!entry.steps?.includes(last.name)) return null;
    const lowT = entry.t - windowMs;
    let p = end - 1;
    for (let s = steps.length - 2; s >= 0; s--) {
      const step = steps[s]!;
      let need = step.min;
      while (p >= 0 && entries[p]!.t > lowT && need > 0) {
        if (entries[p]!.steps?.includes(step.name)) need--;
        p--;
      }
      if (need > 0) return null;
    }
    return { lo: p + 1, hi: end };
  }

  /**
   * Every step reaching its min, in any order, in some window (end − W, end] holding entry i:
   * the window slides over the ends within reach after i, step counts kept as it moves.
   */
  private unorderedSpan(rule: CompiledRule, entries: WindowEntry[], i: number): Span | null {
    const { steps, windowMs } = rule.fire;
    const counts = new Map<string, number>();
    const count = (entry: WindowEntry, by: number) => {
      for (const name of entry.steps ?? []) counts.set(name, (counts.get(name) ?? 0) + by);
    };
    const ti = entries[i]!.t;
    let lo = upperBound(entries, ti - windowMs);
    for (let k = lo; k < i; k++) count(entries[k]!, 1);
    for (let end = i; end < entries.length && entries[end]!.t - ti < windowMs; end++) {
      count(entries[end]!, 1);
      while (entries[lo]!.t <= entries[end]!.t - windowMs) count(entries[lo++]!, -1);
      if (steps.every((step) => (counts.get(step.name) ?? 0) >= step.min)) return { lo, hi: end };
    }
    return null;
  }

  private fire(rule: CompiledRule, groups: GroupTable, g: GroupState, burst: WindowEntry[], trigger: LogEvent): void {
    const suppressedBefore = g.suppressed;
    g.suppressed = 0;
    g.lastFire = burst[burst.length - 1]!.t;
    if (this.warming) {
      this.metrics.warmup_signals_total++;
      return;
    }
    this.metrics.signals_total++;
    groups.counters.signals++;
    this.sink.emit(buildSignal(rule, groupValues(g), burst, trigger, suppressedBefore, this.limits.samplesPerAlert));
  }
}

/**
 * Event time in ms. The normalizer writes `toISOString()` form (YYYY-MM-DDTHH:MM:SS.sssZ); reading
 * that by character codes is ~3x faster than Date.parse, which handles every other form.
 */
export function eventTimeMs(s: string): number {
  // consecutive events mostly share their time text (one-slot memo)
  if (s === lastTimeText) return lastTimeMs;
  lastTimeText = s;
  return (lastTimeMs = parseEventTime(s));
}

let lastTimeText = '';
let lastTimeMs = Number.NaN;
/** The date part ("YYYY-MM-DDT") of the last canonical time parsed, and its midnight (UTC ms). */
let lastDayText = '';
let lastDayMs = Number.NaN;

function parseEventTime(s: string): number {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 || s.charCodeAt(10) !== 84 || s.charCodeAt(19) !== 46 || s.charCodeAt(4) !== 45 || s.charCodeAt(13) !== 58) return Date.parse(s);
  // Events mostly share their day (times differ by the ms): Date.UTC once per day, the time of day from its digits.
  if (!s.startsWith(lastDayText) || lastDayText === '') {
    lastDayText = s.slice(0, 11);
    lastDayMs = Date.UTC(num(s, 0, 4), num(s, 5, 2) - 1, num(s, 8, 2));
  }
  // The sum Date.UTC makes of them (MakeTime, MakeDate), out of range digits rolling over as there.
  return lastDayMs + num(s, 11, 2) * 3_600_000 + num(s, 14, 2) * 60_000 + num(s, 17, 2) * 1000 + num(s, 20, 3);
}

/** The decimal number in s[at, at+len) (no closure per call: this runs for every event). */
function num(s: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/** Lower-cases with a one-slot memo: consecutive events mostly share their program and channel. */
class LowerCache {
  private last: string | undefined;
  private lower: string | undefined;
  get(s: string | undefined): string | undefined {
    if (s === undefined) return undefined;
    if (s !== this.last) {
      this.last = s;
      this.lower = s.toLowerCase();
    }
    return this.lower;
  }
}

const NO_VALUES: string[] = [];

/** A group's groupBy values as kept: undefined when they are [key]. */
function keptValues(key: string, values: string[]): string[] | undefined {
  return values.length === 1 && values[0] === key ? undefined : values;
}

function groupValues(g: GroupState): string[] {
  return g.values ?? [g.key];
}

const SMALL_WINDOW = 4;
/** Dropped groups the dirty list may hold before it is compacted (and then only when they are half of it). */
const DIRTY_COMPACT_MIN = 1024;

/**
 * Inserts the entry in g's window in time order; returns its index. A window of less than
 * SMALL_WINDOW entries growing at its end gets an array of its exact size (a new one): a push
 * onto an empty or full array makes room for 16 or more entries, and most groups of a flood (one
 * source address each) hold one to a few for as long as they live (the bench mix: 49,000
 * groups, ~7 MB of such room).
 */
function append(g: GroupState, entry: WindowEntry): number {
  const w = g.entries;
  const n = w.length;
  if (n >= SMALL_WINDOW || (n > 0 && w[n - 1]!.t > entry.t)) return insertSorted(w, entry);
  g.entries = n === 0 ? [entry] : n === 1 ? [w[0]!, entry] : n === 2 ? [w[0]!, w[1]!, entry] : [w[0]!, w[1]!, w[2]!, entry];
  return n;
}

/** A group with every field set, in one order: all groups share one hidden class. */
function newGroup(key: string, values: string[] | undefined, newest: number, touched: number, unloaded: boolean): GroupState {
  return { key, prev: undefined, next: undefined, values, newest, entries: [], lastFire: NaN, suppressed: 0, touched, unloaded, dirty: false, saved: false, gone: undefined };
}

/**
 * One rule's groups: a Map for lookup plus a doubly linked list in touch order, so eviction of the
 * least recently used group and the expiry sweep are O(1) per group. (Iterating a Map from its
 * start after many deletes walks over the deleted slots: O(n) per eviction under a key flood.)
 */
class GroupTable {
  readonly map = new Map<string, GroupState>();
  head: GroupState | undefined;
  private tail: GroupState | undefined;

  /** The rule's entry of metrics.by_rule. */
  constructor(readonly counters: { matches: number; signals: number }) {}

  add(g: GroupState): void {
    this.map.set(g.key, g);
    this.link(g);
  }

  touch(g: GroupState): void {
    if (this.tail === g) return;
    this.unlink(g);
    this.link(g);
  }

  remove(g: GroupState): void {
    this.map.delete(g.key);
    this.unlink(g);
  }

  private link(g: GroupState): void {
    g.prev = this.tail;
    g.next = undefined;
    if (this.tail) this.tail.next = g;
    else this.head = g;
    this.tail = g;
  }

  private unlink(g: GroupState): void {
    if (g.prev) g.prev.next = g.next;
    else this.head = g.next;
    if (g.next) g.next.prev = g.prev;
    else this.tail = g.prev;
    g.prev = g.next = undefined;
  }
}

/**
 * A string to keep in window state: short ones as they are; long ones as a COPY of their start.
 * (A plain slice may keep the whole attacker-sized parent string alive in V8.)
 */
function retain(s: string, n: number): string {
  return s.length <= n ? s : Buffer.from(s.slice(0, n), 'utf8').toString('utf8');
}

/** Extracted values bounded before they are held in a window (paths, commands can be 16 KB). */
function boundValues(values: Extracted): Extracted {
  for (const k in values) {
    const v = values[k];
    if (typeof v === 'string' && v.length > MAX_VALUE_CHARS) {
      const out: Extracted = {};
      for (const [key, val] of Object.entries(values)) out[key] = typeof val === 'string' ? retain(val, MAX_VALUE_CHARS) : val;
      return out;
    }
  }
  return values;
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

/** Spread picks: the first `n - 1` items and the last, so an alert shows how a burst began and ended. */
function pick<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  if (n <= 0) return [];
  return [...items.slice(0, n - 1), items[items.length - 1]!];
}

export function buildSignal(
  rule: CompiledRule,
  groupValues: readonly string[],
  burst: readonly WindowEntry[],
  trigger: LogEvent,
  suppressedBefore: number,
  samples: number,
): AlertSignal {
  const group: Record<string, string> = {};
  rule.fire.groupBy.forEach((name, i) => (group[name] = clip(groupValues[i] ?? '', 1024)));
  const seen: Record<string, Set<string>> = {};
  const hosts = new Set<string>();
  for (const entry of burst) {
    hosts.add(entry.host);
    // for-in over the plain values object: the keys in Object.entries order, no pair arrays
    const ev = entry.values;
    for (const k in ev) {
      const v = ev[k];
      if (v === undefined || k === 'step') continue;
      const set = (seen[k] ??= new Set());
      if (set.size < MAX_VALUES_PER_KEY) set.add(clip(String(v), MAX_VALUE_CHARS));
    }
  }
  const values: Record<string, string[]> = {};
  for (const k in seen) values[k] = [...seen[k]!];
  const first = new Date(burst[0]!.t).toISOString();
  const last = new Date(burst[burst.length - 1]!.t).toISOString();
  const count = burst.length;
  const fire = rule.fire;
  const ctx = { group, count, values, firstSeen: first, lastSeen: last, windowSec: fire.windowMs / 1000, threshold: fire.threshold };
  let summary: string;
  try {
    summary = rule.summary ? rule.summary(ctx) : defaultSummary(rule, ctx);
  } catch {
    summary = defaultSummary(rule, ctx);
  }
  const fields: Record<string, unknown> = { ...values, hosts: [...hosts].slice(0, MAX_VALUES_PER_KEY) };
  if (suppressedBefore > 0) fields.suppressed_before = suppressedBefore;
  return {
    rule_id: clip(rule.id, 199),
    title: clip(rule.title, 499),
    severity: rule.severity,
    source: rule.source,
    host: group.host ?? trigger.host,
    group,
    labels: { source_kind: trigger.source.kind, mode: fire.mode },
    tags: rule.tags.slice(0, 50).map((t) => clip(t, 199)),
    first_seen: first,
    last_seen: last,
    count,
    summary: clip(summary, 3990),
    fields,
    event_ids: pick(burst.map((b) => b.id), MAX_EVENT_IDS),
    samples: pick(burst, samples).map((b) => clip(b.message, MAX_SAMPLE_CHARS)) as AlertSignal['samples'],
  };
}

function defaultSummary(rule: CompiledRule, ctx: { group: Record<string, string>; count: number; windowSec: number }): string {
  const who = Object.entries(ctx.group).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(', ');
  const where = who ? ` (${who})` : '';
  if (rule.fire.mode === 'single') return `${rule.title}${where}`;
  return `${rule.title}${where}: ${ctx.count} matching events within ${ctx.windowSec}s`;
}
