/**
 * Online log-template miner after Drain (He et al., ICWS 2017): a fixed-depth parse tree routes a
 * masked line by its token count, then by its first (depth - 2) tokens (tokens holding digits or
 * masks go to a '<*>' branch, as do tokens once a node has maxChildren children, so an attacker
 * cannot grow the tree without bound); the leaf's clusters are compared by the share of positions
 * with equal tokens, the best one at or above the similarity threshold absorbs the line (differing
 * positions become '<*>'), otherwise a new cluster starts.
 * Bounded: at most maxTemplates clusters (then non-matching lines count under OVERFLOW_TEMPLATE_ID),
 * at most MAX_CLUSTERS_PER_LEAF per leaf, at most MAX_TOKENS tokens per line.
 */
import { maskMessage, messageText } from './mask.js';

export const OVERFLOW_TEMPLATE_ID = 0;
export const OVERFLOW_TEMPLATE = '(template limit reached: line matched no known template)';
const MAX_TOKENS = 64;
const MAX_CHILDREN = 100;
const MAX_CLUSTERS_PER_LEAF = 200;
const WILDCARD = '<*>';

export interface TemplateCluster {
  id: number;
  tokens: string[];
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface DrainOptions {
  similarity: number;
  depth: number;
  maxTemplates: number;
  maxMessageLength: number;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: TemplateCluster[];
}

export interface MatchResult {
  id: number;
  /** True when this line started a new template. */
  created: boolean;
}

export class DrainMiner {
  private readonly root = new Map<number, TreeNode>();
  private readonly clusters = new Map<number, TemplateCluster>();
  private nextId = 1;
  private readonly dirty = new Set<number>();
  overflowCount = 0;

  constructor(private readonly opts: DrainOptions) {}

  get size(): number {
    return this.clusters.size;
  }

  /** Rebuild from persisted clusters (start-up). */
  load(clusters: Iterable<TemplateCluster>): void {
    for (const c of clusters) {
      if (c.id === OVERFLOW_TEMPLATE_ID) continue;
      this.clusters.set(c.id, c);
      this.leafFor(c.tokens).clusters.push(c);
      this.nextId = Math.max(this.nextId, c.id + 1);
    }
  }

  get(id: number): TemplateCluster | undefined {
    return this.clusters.get(id);
  }

  /** Clusters changed since the last call (new, re-templated, counted), for persistence. */
  takeDirty(): TemplateCluster[] {
    const out = [...this.dirty].map((id) => this.clusters.get(id)!).filter(Boolean);
    this.dirty.clear();
    return out;
  }

  add(message: string, atMs: number): MatchResult {
    const text = messageText(message.length > this.opts.maxMessageLength ? message.slice(0, this.opts.maxMessageLength) : message);
    const tokens = maskMessage(text, MAX_TOKENS);
    if (tokens.length === 0) tokens.push('(empty)');
    const leaf = this.leafFor(tokens);
    let best: TemplateCluster | undefined;
    let bestSim = -1;
    let bestParams = -1;
    for (const c of leaf.clusters) {
      const sim = similarity(c.tokens, tokens);
      const params = similarParams;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = c;
        bestSim = sim;
        bestParams = params;
      }
    }
    if (best && bestSim >= this.opts.similarity) {
      for (let i = 0; i < tokens.length; i++) {
        const t = best.tokens[i]!;
        if (t !== tokens[i] && !matchesKeyed(t, tokens[i]!)) best.tokens[i] = generalize(t, tokens[i]!);
      }
      best.count++;
      best.lastSeen = Math.max(best.lastSeen, atMs);
      best.firstSeen = Math.min(best.firstSeen, atMs);
      this.dirty.add(best.id);
      return { id: best.id, created: false };
    }
    if (this.clusters.size >= this.opts.maxTemplates || leaf.clusters.length >= MAX_CLUSTERS_PER_LEAF) {
      this.overflowCount++;
      return { id: OVERFLOW_TEMPLATE_ID, created: false };
    }
    const cluster: TemplateCluster = { id: this.nextId++, tokens, count: 1, firstSeen: atMs, lastSeen: atMs };
    leaf.clusters.push(cluster);
    this.clusters.set(cluster.id, cluster);
    this.dirty.add(cluster.id);
    return { id: cluster.id, created: true };
  }

  /** Template text of an id ('<*>' joined by spaces). */
  template(id: number): string {
    if (id === OVERFLOW_TEMPLATE_ID) return OVERFLOW_TEMPLATE;
    return this.clusters.get(id)?.tokens.join(' ') ?? `(unknown template ${id})`;
  }

  private leafFor(tokens: readonly string[]): TreeNode {
    let node = this.root.get(tokens.length);
    if (!node) {
      node = { children: new Map(), clusters: [] };
      this.root.set(tokens.length, node);
    }
    const levels = Math.min(this.opts.depth - 2, tokens.length);
    for (let i = 0; i < levels; i++) {
      const t = tokens[i]!;
      let key = /\d/.test(t) || t.startsWith('<') ? WILDCARD : t;
      if (!node.children.has(key) && node.children.size >= MAX_CHILDREN) key = WILDCARD;
      let child = node.children.get(key);
      if (!child) {
        child = { children: new Map(), clusters: [] };
        node.children.set(key, child);
      }
      node = child;
    }
    return node;
  }
}

/** similarity()'s second result: the wildcard count (a variable, not a pair array per cluster compared). */
let similarParams = 0;

/** Drain's seqDist: equal positions / length (wildcards never count as equal); the wildcard count for ties in similarParams. */
function similarity(template: readonly string[], tokens: readonly string[]): number {
  let equal = 0;
  let params = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = template[i]!;
    if (t === WILDCARD || matchesKeyed(t, tokens[i]!)) params++;
    else if (t === tokens[i]) equal++;
  }
  similarParams = params;
  return equal / tokens.length;
}

const KEY_SEPARATOR = /^[^=:]{1,64}[=:]/;

/** Differing tokens that share a `key=` / `key:` prefix keep it: user=root + user=bob → user=<*>. */
function generalize(a: string, b: string): string {
  const key = KEY_SEPARATOR.exec(a)?.[0];
  return key && b.startsWith(key) && a.length > key.length && b.length > key.length ? key + WILDCARD : WILDCARD;
}

/** A keyed wildcard template token (user=<*>) matches any token with that key. */
function matchesKeyed(template: string, token: string): boolean {
  return template.length > 3 && template.endsWith(WILDCARD) && token.startsWith(template.slice(0, -3)) && token.length > template.length - 3;
}
