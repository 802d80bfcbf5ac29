/**
 * Rule settings changed through the API while the service runs (PATCH /api/v1/rules/:id):
 * enabled, threshold, window, quiet period, severity. They are stored in SQLite and applied on
 * top of what the rule files and rules.overrides in the config give, at once and again after a
 * restart. The engine reads a rule's firing settings from its CompiledRule on every event, so
 * a change is applied by updating that object (no engine rebuild, open windows kept); a
 * disabled rule's evaluate() matches nothing, and its open groups expire as usual.
 * group_by and rule settings are not here: they shape the groups and the rule's compiled code.
 */
import type { AlertSeverity, RuleRuntimeOverride } from '../generated/schema-types.js';
import type { Db } from '../store/database.js';
import type { CompiledRule } from './compiled.js';

/** The stored override with the nulls (removals) gone. */
export type RuntimeOverride = { [K in keyof RuleRuntimeOverride]?: Exclude<RuleRuntimeOverride[K], null> };

export class RuleOverrideRepository {
  private readonly selectAll;
  private readonly upsert;
  private readonly remove;

  constructor(db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rule_runtime_overrides (
        rule_id TEXT PRIMARY KEY,
        override TEXT NOT NULL,
        updated_ms INTEGER NOT NULL
      );
    `);
    this.selectAll = db.prepare('SELECT rule_id, override FROM rule_runtime_overrides ORDER BY rule_id');
    this.upsert = db.prepare('INSERT INTO rule_runtime_overrides (rule_id, override, updated_ms) VALUES (?, ?, ?) ON CONFLICT (rule_id) DO UPDATE SET override = excluded.override, updated_ms = excluded.updated_ms');
    this.remove = db.prepare('DELETE FROM rule_runtime_overrides WHERE rule_id = ?');
  }

  all(): Map<string, RuntimeOverride> {
    const out = new Map<string, RuntimeOverride>();
    for (const r of this.selectAll.all() as Array<{ rule_id: string; override: string }>) {
      try {
        out.set(r.rule_id, JSON.parse(r.override) as RuntimeOverride);
      } catch {
        /* a row no version wrote: ignored (it is replaced on the next change of that rule) */
      }
    }
    return out;
  }

  put(ruleId: string, o: RuntimeOverride, nowMs: number): void {
    this.upsert.run(ruleId, JSON.stringify(o), nowMs);
  }

  delete(ruleId: string): void {
    this.remove.run(ruleId);
  }
}

/** A change that makes no sense for this rule (a threshold on a single-event rule). */
export class OverrideNotApplicable extends Error {}

interface Base {
  threshold: number;
  windowMs: number;
  quietMs: number;
  stepMins: number[];
  severity: AlertSeverity;
  evaluate: CompiledRule['evaluate'];
}

const matchNothing: CompiledRule['evaluate'] = () => null;

export class RuntimeRuleSettings {
  private readonly base = new Map<string, Base>();
  private readonly byId = new Map<string, CompiledRule>();
  private readonly current = new Map<string, RuntimeOverride>();

  constructor(
    rules: readonly CompiledRule[],
    private readonly repo: RuleOverrideRepository | undefined,
    private readonly opts: { maxEventsPerGroup: number; now: () => number; log?: (m: string) => void },
  ) {
    for (const r of rules) {
      this.byId.set(r.id, r);
      this.base.set(r.id, { threshold: r.fire.threshold, windowMs: r.fire.windowMs, quietMs: r.fire.quietMs, stepMins: r.fire.steps.map((s) => s.min), severity: r.severity, evaluate: r.evaluate });
    }
    if (!repo) return;
    // What was set before a restart: applied again, unless the rule or the change no longer fits.
    for (const [id, o] of repo.all()) {
      const rule = this.byId.get(id);
      if (!rule) {
        opts.log?.(`rules: runtime override for ${id} kept but not applied: no such active rule`);
        continue;
      }
      try {
        this.check(rule, o);
        this.current.set(id, o);
        this.apply(rule);
      } catch (err) {
        opts.log?.(`rules: runtime override for ${id} not applied: ${(err as Error).message}`);
      }
    }
    if (this.current.size) opts.log?.(`rules: ${this.current.size} runtime rule override(s) applied`);
  }

  get(ruleId: string): RuntimeOverride | undefined {
    return this.current.get(ruleId);
  }

  enabled(ruleId: string): boolean {
    return this.current.get(ruleId)?.enabled !== false;
  }

  disabledCount(): number {
    let n = 0;
    for (const o of this.current.values()) if (o.enabled === false) n++;
    return n;
  }

  /** Merges a change (null removes a key), applies it and stores it. Throws OverrideNotApplicable. */
  update(rule: CompiledRule, patch: RuleRuntimeOverride): RuntimeOverride {
    const next: Record<string, unknown> = { ...this.current.get(rule.id) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete next[k];
      else if (v !== undefined) next[k] = v;
    }
    const o = next as RuntimeOverride;
    this.check(rule, o);
    if (Object.keys(o).length) {
      this.repo?.put(rule.id, o, this.opts.now());
      this.current.set(rule.id, o);
    } else {
      this.repo?.delete(rule.id);
      this.current.delete(rule.id);
    }
    this.apply(rule);
    return o;
  }

  reset(rule: CompiledRule): void {
    this.repo?.delete(rule.id);
    this.current.delete(rule.id);
    this.apply(rule);
  }

  private check(rule: CompiledRule, o: RuntimeOverride): void {
    const mode = rule.fire.mode;
    if (mode === 'single' && (o.threshold !== undefined || o.window_s !== undefined)) {
      throw new OverrideNotApplicable(`rule ${rule.id} fires on every matching event: it has no threshold or window to override`);
    }
    if (mode === 'sequence' && o.threshold !== undefined && rule.fire.steps.length < 2) {
      throw new OverrideNotApplicable(`rule ${rule.id} is a one-step sequence: it has no threshold to override`);
    }
    if (o.threshold !== undefined) {
      const needed = mode === 'sequence' ? o.threshold * (rule.fire.steps.length - 1) + rule.fire.steps[rule.fire.steps.length - 1]!.min : o.threshold;
      if (needed > this.opts.maxEventsPerGroup) throw new OverrideNotApplicable(`threshold ${o.threshold} needs ${needed} events in a group, more than rules.max_events_per_group (${this.opts.maxEventsPerGroup}): the rule could never fire`);
    }
  }

  /** Sets the rule's live settings from its base and the current override. */
  private apply(rule: CompiledRule): void {
    const b = this.base.get(rule.id)!;
    const o = this.current.get(rule.id) ?? {};
    const f = rule.fire;
    if (f.mode === 'count' || f.mode === 'distinct') f.threshold = o.threshold ?? b.threshold;
    if (f.mode === 'sequence') f.steps.forEach((s, i) => (s.min = o.threshold !== undefined && i < f.steps.length - 1 ? o.threshold : b.stepMins[i]!));
    f.windowMs = o.window_s !== undefined ? o.window_s * 1000 : b.windowMs;
    f.quietMs = o.quiet_s !== undefined ? o.quiet_s * 1000 : b.quietMs;
    rule.severity = o.severity ?? b.severity;
    rule.evaluate = o.enabled === false ? matchNothing : b.evaluate;
  }
}
