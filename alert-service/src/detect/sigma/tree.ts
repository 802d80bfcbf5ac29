/**
 * A Sigma rule parsed once into a typed tree (pySigma's SigmaRule / SigmaDetection /
 * SigmaDetectionItem), before any mapping. Processing steps (logsources.ts: logsource → channels
 * and EventIDs, field renames) transform this tree; detection.ts compiles the result into a
 * predicate. Keeping the three apart means a new channel or field mapping is a table entry, never
 * a branch inside the matcher.
 */
import { parseCondition, UnsupportedError, type CondNode } from './condition.js';

export type SigmaScalar = string | number | boolean | null;

/** One `field|mod1|mod2: values` entry; `field` null for keywords (searched in the whole event). */
export interface DetectionItem {
  field: string | null;
  modifiers: readonly string[];
  values: readonly SigmaScalar[];
}

/** A selection: every item holds (a map), or any option holds (a list of maps). */
export type Selection = { kind: 'and'; items: readonly DetectionItem[] } | { kind: 'or'; options: readonly Selection[] };

export interface Detection {
  selections: ReadonlyMap<string, Selection>;
  /** Any condition holding is a match (a list of conditions means "any"). */
  conditions: readonly CondNode[];
}

export interface Logsource {
  product?: string;
  category?: string;
  service?: string;
}

export type SigmaStatus = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';
export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

export const STATUSES: readonly SigmaStatus[] = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
export const LEVELS: readonly SigmaLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];

export interface SigmaRuleTree {
  title: string;
  id?: string;
  name?: string;
  status?: SigmaStatus;
  level?: SigmaLevel;
  logsource: Logsource;
  detection: Detection;
}

function lowerString(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim().toLowerCase() : undefined;
}

function isScalar(v: unknown): v is SigmaScalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function parseItem(key: string, value: unknown, where: string): DetectionItem {
  const [field, ...mods] = key.split('|');
  const values = Array.isArray(value) ? value : [value];
  if (!values.every(isScalar)) throw new UnsupportedError(`${where}: ${key} has a value that is not a string, number or null`);
  return { field: field ? field : null, modifiers: mods.map((m) => m.toLowerCase()), values };
}

function parseMap(name: string, sel: Record<string, unknown>): Selection {
  const entries = Object.entries(sel);
  if (!entries.length) throw new UnsupportedError(`selection ${name} is empty`);
  return { kind: 'and', items: entries.map(([k, v]) => parseItem(k, v, `selection ${name}`)) };
}

function parseSelection(name: string, sel: unknown): Selection {
  if (Array.isArray(sel)) {
    if (!sel.length) throw new UnsupportedError(`selection ${name} is empty`);
    if (sel.every(isScalar)) return { kind: 'and', items: [{ field: null, modifiers: [], values: sel }] };
    if (sel.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) {
      return { kind: 'or', options: sel.map((m) => parseMap(name, m as Record<string, unknown>)) };
    }
    throw new UnsupportedError(`selection ${name} mixes keywords and field maps`);
  }
  if (typeof sel === 'string' || typeof sel === 'number') return { kind: 'and', items: [{ field: null, modifiers: [], values: [sel] }] };
  if (typeof sel !== 'object' || sel === null) throw new UnsupportedError(`selection ${name} is empty or not a map/list`);
  return parseMap(name, sel as Record<string, unknown>);
}

export function parseDetection(detection: unknown): Detection {
  if (typeof detection !== 'object' || detection === null || Array.isArray(detection)) throw new Error('detection is missing');
  const { condition, timeframe, ...rest } = detection as Record<string, unknown>;
  if (timeframe !== undefined) throw new UnsupportedError('detection.timeframe (old aggregation syntax) is not supported; use a correlation rule');
  const names = Object.keys(rest);
  const selections = new Map<string, Selection>();
  for (const name of names) selections.set(name, parseSelection(name, rest[name]));
  const list = Array.isArray(condition) ? condition : [condition];
  if (!list.length || list.some((c) => typeof c !== 'string')) throw new Error('detection.condition must be a string or a list of strings');
  return { selections, conditions: list.map((c) => parseCondition(c as string, names)) };
}

/** Parses a plain (non-correlation) rule document; throws with the reason when it cannot. */
export function parseSigmaRule(doc: Record<string, unknown>): SigmaRuleTree {
  if (typeof doc.title !== 'string') throw new Error('title is missing');
  const ls = doc.logsource;
  if (typeof ls !== 'object' || ls === null) throw new Error('logsource is missing');
  const l = ls as Record<string, unknown>;
  const logsource: Logsource = {};
  const product = lowerString(l.product);
  const category = lowerString(l.category);
  const service = lowerString(l.service);
  if (product) logsource.product = product;
  if (category) logsource.category = category;
  if (service) logsource.service = service;
  const status = lowerString(doc.status);
  const level = lowerString(doc.level);
  return {
    title: doc.title,
    ...(typeof doc.id === 'string' ? { id: doc.id } : {}),
    ...(typeof doc.name === 'string' ? { name: doc.name } : {}),
    ...(status && (STATUSES as readonly string[]).includes(status) ? { status: status as SigmaStatus } : {}),
    ...(level && (LEVELS as readonly string[]).includes(level) ? { level: level as SigmaLevel } : {}),
    logsource,
    detection: parseDetection(doc.detection),
  };
}

/** Field renames as a tree transformation (pySigma's FieldMappingTransformation). */
export function mapFields(det: Detection, map: Readonly<Record<string, string>> | undefined): Detection {
  if (!map) return det;
  const item = (i: DetectionItem): DetectionItem => {
    const field = i.field !== null ? map[i.field] ?? i.field : null;
    // fieldref values name fields too.
    const values = i.modifiers.includes('fieldref') ? i.values.map((v) => (typeof v === 'string' ? map[v] ?? v : v)) : i.values;
    return { ...i, field, values };
  };
  const sel = (s: Selection): Selection => (s.kind === 'and' ? { kind: 'and', items: s.items.map(item) } : { kind: 'or', options: s.options.map(sel) });
  return { conditions: det.conditions, selections: new Map([...det.selections].map(([k, s]) => [k, sel(s)])) };
}

function selectionRefs(node: CondNode, out: Set<string>): Set<string> {
  if (node.op === 'ref') out.add(node.name);
  else if (node.op === 'not') selectionRefs(node.arg, out);
  else for (const a of node.args) selectionRefs(a, out);
  return out;
}

/**
 * Fields that positive (non-negated) selections test: what tells one detection from another of
 * the same rule (grouping). Filters (`not filter_*`) are left out: they name what is *not* there.
 */
export function positiveFields(det: Detection): string[] {
  const positive = new Set<string>();
  const walk = (n: CondNode, negated: boolean) => {
    if (n.op === 'ref') {
      if (!negated) positive.add(n.name);
    } else if (n.op === 'not') walk(n.arg, !negated);
    else for (const a of n.args) walk(a, negated);
  };
  for (const c of det.conditions) walk(c, false);
  const fields = new Set<string>();
  const fromSel = (s: Selection) => {
    if (s.kind === 'or') s.options.forEach(fromSel);
    else for (const i of s.items) if (i.field !== null) fields.add(i.field);
  };
  for (const name of positive) fromSel(det.selections.get(name)!);
  return [...fields];
}

/** Every field any selection reads (shown in alerts). */
export function allFields(det: Detection): string[] {
  const used = new Set<string>();
  for (const c of det.conditions) selectionRefs(c, used);
  const fields = new Set<string>();
  const fromSel = (s: Selection) => {
    if (s.kind === 'or') s.options.forEach(fromSel);
    else for (const i of s.items) if (i.field !== null) fields.add(i.field);
  };
  for (const name of used) fromSel(det.selections.get(name)!);
  return [...fields];
}

function eventIdValues(item: DetectionItem): Set<number> | undefined {
  if (item.field?.toLowerCase() !== 'eventid' || item.modifiers.length) return undefined;
  const ids = new Set<number>();
  for (const v of item.values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,5}$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n)) return undefined;
    ids.add(n);
  }
  return ids;
}

function selectionEventIds(s: Selection): Set<number> | undefined {
  if (s.kind === 'and') {
    for (const i of s.items) {
      const ids = eventIdValues(i);
      if (ids) return ids;
    }
    return undefined;
  }
  const union = new Set<number>();
  for (const o of s.options) {
    const ids = selectionEventIds(o);
    if (!ids) return undefined;
    for (const id of ids) union.add(id);
  }
  return union;
}

function nodeEventIds(n: CondNode, det: Detection): Set<number> | undefined {
  switch (n.op) {
    case 'ref':
      return selectionEventIds(det.selections.get(n.name)!);
    case 'not':
      return undefined;
    case 'and': {
      let acc: Set<number> | undefined;
      for (const a of n.args) {
        const ids = nodeEventIds(a, det);
        if (!ids) continue;
        acc = acc ? new Set([...acc].filter((x) => ids.has(x))) : ids;
      }
      return acc;
    }
    case 'or': {
      const union = new Set<number>();
      for (const a of n.args) {
        const ids = nodeEventIds(a, det);
        if (!ids) return undefined;
        for (const id of ids) union.add(id);
      }
      return union;
    }
  }
}

/**
 * The EventIDs an event must have for the detection to match (every path through the condition
 * requires `EventID` in this set), or undefined when some path does not test it. Used to index
 * rules by EventID; sound because it only ever narrows to IDs the rule itself demands.
 */
export function requiredEventIds(det: Detection): Set<number> | undefined {
  const union = new Set<number>();
  for (const c of det.conditions) {
    const ids = nodeEventIds(c, det);
    if (!ids) return undefined;
    for (const id of ids) union.add(id);
  }
  return union;
}
