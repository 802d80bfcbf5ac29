/**
 * Sigma detection conditions: `and`, `or`, `not`, parentheses, `1 of x*`, `all of x*`,
 * `1 of them`, `all of them`. Precedence: not > and > or. Aggregations (`| count() ...`, the
 * deprecated pre-correlation syntax) are rejected as unsupported.
 */

export type CondNode =
  | { op: 'ref'; name: string }
  | { op: 'not'; arg: CondNode }
  | { op: 'and' | 'or'; args: CondNode[] };

export class UnsupportedError extends Error {}

const TOKEN_RE = /\s*(\(|\)|1\s+of\b|all\s+of\b|[A-Za-z0-9_*.\-]+|\S)/gy;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN_RE.exec(text)) !== null) out.push(m[1]!.replace(/\s+/g, ' '));
  return out;
}

function globToRegex(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*') + '$');
}

/** Parses a condition over the named selections; every reference must exist. */
export function parseCondition(text: string, selections: readonly string[]): CondNode {
  if (text.includes('|')) throw new UnsupportedError('aggregation in condition (`|`) is not supported; use a correlation rule');
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  const expand = (quant: string, target: string): CondNode => {
    let names: string[];
    if (target === 'them') names = selections.filter((s) => !s.startsWith('_'));
    else {
      const re = globToRegex(target);
      names = selections.filter((s) => re.test(s));
    }
    if (!names.length) throw new Error(`"${quant} ${target}" matches no selection`);
    return { op: quant === 'all of' ? 'and' : 'or', args: names.map((name) => ({ op: 'ref', name })) };
  };

  const primary = (): CondNode => {
    const t = next();
    if (t === undefined) throw new Error('condition ends unexpectedly');
    if (t === '(') {
      const inner = orExpr();
      if (next() !== ')') throw new Error('missing ")" in condition');
      return inner;
    }
    if (t === '1 of' || t === 'all of') {
      const target = next();
      if (!target || target === '(' || target === ')') throw new Error(`"${t}" needs a selection pattern or "them"`);
      return expand(t, target);
    }
    if (/^(and|or|not)$/i.test(t) || t === ')') throw new Error(`unexpected "${t}" in condition`);
    if (!/^[A-Za-z0-9_.\-]+$/.test(t)) throw new Error(`unexpected "${t}" in condition`);
    if (!selections.includes(t)) throw new Error(`condition references unknown selection "${t}"`);
    return { op: 'ref', name: t };
  };
  const notExpr = (): CondNode => {
    if (peek()?.toLowerCase() === 'not') {
      next();
      return { op: 'not', arg: notExpr() };
    }
    return primary();
  };
  const andExpr = (): CondNode => {
    const args = [notExpr()];
    while (peek()?.toLowerCase() === 'and') {
      next();
      args.push(notExpr());
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  };
  const orExpr = (): CondNode => {
    const args = [andExpr()];
    while (peek()?.toLowerCase() === 'or') {
      next();
      args.push(andExpr());
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  };
  const tree = orExpr();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]}" in condition`);
  return tree;
}

/** Builds a predicate from the tree given one predicate per selection. */
export function compileCondition<T>(node: CondNode, selections: ReadonlyMap<string, (x: T) => boolean>): (x: T) => boolean {
  switch (node.op) {
    case 'ref': {
      const f = selections.get(node.name);
      if (!f) throw new Error(`unknown selection ${node.name}`);
      return f;
    }
    case 'not': {
      const f = compileCondition(node.arg, selections);
      return (x) => !f(x);
    }
    case 'and': {
      const fs = node.args.map((a) => compileCondition(a, selections));
      return (x) => {
        for (let i = 0; i < fs.length; i++) if (!fs[i]!(x)) return false;
        return true;
      };
    }
    case 'or': {
      const fs = node.args.map((a) => compileCondition(a, selections));
      return (x) => {
        for (let i = 0; i < fs.length; i++) if (fs[i]!(x)) return true;
        return false;
      };
    }
  }
}
