/**
 * A fast "certainly valid" test for the record schemas, ahead of their Ajv validator: Ajv's
 * generated code was ~2.5 % of the decode worker's time per record, and most records are plain
 * (a few string and integer keys). Compiled from the schema documents themselves, for the small
 * subset of JSON Schema the record schemas use (type, required, anyOf of required, properties
 * with maxLength / minimum / maximum / pattern / enum through a $ref, additionalProperties:
 * true); a schema using anything else gets no precheck and every record of it goes to Ajv.
 *
 * The precheck never refuses: it says `true` only when Ajv would accept the record, and
 * anything else (a failed or uncertain check) falls through to Ajv, which then gives the
 * verdict and the error text. So the verdicts are Ajv's by construction; the one thing to keep
 * right here is that `true` implies Ajv's acceptance (test/ingest/record-precheck.test.ts
 * compares both over the fixtures and mutated records).
 */
import { schemaDocuments, SCHEMA_BASE } from '../schema/registry.js';

export type Precheck = (rec: Record<string, unknown>) => boolean;

type Schema = Record<string, unknown>;

/** Keywords that do not constrain a value (annotations; `default` is not applied: useDefaults is off). */
const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly']);

type ValueCheck = (v: unknown) => boolean;

function resolveRef(ref: string, from: string): Schema | undefined {
  if (ref.includes('#')) return undefined; // fragments ($defs): not in the subset
  const url = new URL(ref, SCHEMA_BASE + from).href;
  if (!url.startsWith(SCHEMA_BASE)) return undefined;
  return schemaDocuments().get(url.slice(SCHEMA_BASE.length));
}

/**
 * A check for one property's subschema that is true only when Ajv accepts the value, or
 * undefined when the subschema is outside the subset.
 */
function compileValue(s: Schema, file: string, depth = 0): ValueCheck | undefined {
  if (depth > 4) return undefined;
  const checks: ValueCheck[] = [];
  let types: string[] | undefined;
  for (const [k, v] of Object.entries(s)) {
    if (ANNOTATIONS.has(k)) continue;
    switch (k) {
      case 'type': {
        types = Array.isArray(v) ? (v as string[]) : [v as string];
        if (!types.every((t) => t === 'string' || t === 'integer' || t === 'number')) return undefined;
        const ts = types;
        // Ajv's checks: integer is a finite number with no fraction, number a finite number.
        checks.push((x) => (typeof x === 'string' ? ts.includes('string') : typeof x === 'number' && (ts.includes('number') ? Number.isFinite(x) : ts.includes('integer') && Number.isInteger(x))));
        break;
      }
      case 'maxLength': {
        const max = v as number;
        // Ajv counts code points, never more than UTF-16 units: length <= max proves it; a longer
        // string is left to Ajv.
        checks.push((x) => typeof x !== 'string' || x.length <= max);
        break;
      }
      case 'minimum': {
        const min = v as number;
        checks.push((x) => typeof x !== 'number' || x >= min);
        break;
      }
      case 'maximum': {
        const max = v as number;
        checks.push((x) => typeof x !== 'number' || x <= max);
        break;
      }
      case 'pattern': {
        const re = new RegExp(v as string, 'u'); // Ajv's default (unicodeRegExp)
        checks.push((x) => typeof x !== 'string' || re.test(x));
        break;
      }
      case 'enum': {
        if (!Array.isArray(v) || !v.every((e) => typeof e === 'string')) return undefined;
        const set = new Set(v as string[]);
        checks.push((x) => typeof x === 'string' && set.has(x));
        break;
      }
      case '$ref': {
        const target = resolveRef(v as string, file);
        if (!target) return undefined;
        const inner = compileValue(target, file, depth + 1);
        if (!inner) return undefined;
        checks.push(inner);
        break;
      }
      default:
        return undefined;
    }
  }
  if (checks.length === 0) return undefined; // an unconstrained property: rare, leave it to Ajv
  return (x) => {
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(x)) return false;
    return true;
  };
}

/** The precheck of a record schema file, or undefined when it is outside the subset. */
export function compilePrecheck(file: string): Precheck | undefined {
  const s = schemaDocuments().get(file);
  if (!s || s.type !== 'object') return undefined;
  let required: string[] = [];
  let anyOf: string[][] | undefined;
  const props: Array<[string, ValueCheck]> = [];
  for (const [k, v] of Object.entries(s)) {
    if (ANNOTATIONS.has(k) || k === 'type') continue;
    if (k === 'required') required = v as string[];
    else if (k === 'additionalProperties') {
      if (v !== true) return undefined;
    } else if (k === 'anyOf') {
      const alts = v as Schema[];
      if (!alts.every((a) => Object.keys(a).every((x) => x === 'required'))) return undefined;
      anyOf = alts.map((a) => a.required as string[]);
    } else if (k === 'properties') {
      for (const [name, sub] of Object.entries(v as Record<string, Schema>)) {
        const check = compileValue(sub, file);
        if (!check) return undefined;
        props.push([name, check]);
      }
    } else return undefined;
  }
  const alternatives = anyOf;
  // Present means !== undefined, as Ajv's generated code tests it (ownProperties is off).
  return (rec) => {
    for (let i = 0; i < required.length; i++) if (rec[required[i]!] === undefined) return false;
    if (alternatives && !alternatives.some((req) => req.every((r) => rec[r] !== undefined))) return false;
    for (let i = 0; i < props.length; i++) {
      const [name, check] = props[i]!;
      const v = rec[name];
      if (v !== undefined && !check(v)) return false;
    }
    return true;
  };
}

const prechecks = new Map<string, Precheck | null>();

/** compilePrecheck, once per file. */
export function precheckFor(file: string): Precheck | undefined {
  let p = prechecks.get(file);
  if (p === undefined) prechecks.set(file, (p = compilePrecheck(file) ?? null));
  return p ?? undefined;
}
