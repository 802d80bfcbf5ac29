/**
 * Silence matching with Alertmanager semantics: every matcher must match; a matcher names
 * rule_id, host, severity, source, or any group/label key; a key the alert lacks reads as '';
 * regex matchers are anchored at both ends.
 */
import type { SilenceMatcher } from '../../generated/schema-types.js';
import { boundedTest, compileSafeRegex } from '../../detect/safe-regex.js';

export interface Matchable {
  rule_id: string;
  host: string;
  severity: string;
  source: string;
  group: Record<string, string>;
  labels?: Record<string, string>;
}

export interface CompiledMatcher {
  test(alert: Matchable): boolean;
}

export function attributeOf(alert: Matchable, name: string): string {
  switch (name) {
    case 'rule_id':
    case 'rule':
      return alert.rule_id;
    case 'host':
      return alert.host;
    case 'severity':
      return alert.severity;
    case 'source':
      return alert.source;
    default:
      return (Object.hasOwn(alert.group, name) ? alert.group[name] : alert.labels && Object.hasOwn(alert.labels, name) ? alert.labels[name] : '') ?? '';
  }
}

/** Throws SyntaxError on an invalid or unsafe regular expression (the API turns it into a 400). */
export function compileMatcher(m: SilenceMatcher): CompiledMatcher {
  const isEqual = m.is_equal ?? true;
  let test: (v: string) => boolean;
  if (m.is_regex) {
    // Silence regexes run on attacker-written values (hosts, IPs, usernames) inside emit(): no catastrophic backtracking.
    // The value must be a regex on its own (throws SyntaxError otherwise): an unbalanced one like
    // `a+)+(b` would close our anchoring group and build `^(?:a+)+(b)$`, a nested quantifier the check never saw.
    new RegExp(m.value);
    let re: RegExp;
    try {
      // The same compile as rule regexes: the safety check, then V8's linear-time engine.
      re = compileSafeRegex(`^(?:${m.value})$`);
    } catch (err) {
      throw new SyntaxError(`regex for ${m.name}: ${(err as Error).message}`);
    }
    test = (v) => boundedTest(re, v);
  } else test = (v) => v === m.value;
  return { test: (alert) => test(attributeOf(alert, m.name)) === isEqual };
}

export function compileMatchers(ms: SilenceMatcher[]): CompiledMatcher {
  const compiled = ms.map(compileMatcher);
  return { test: (alert) => compiled.every((c) => c.test(alert)) };
}
