/**
 * Every literal of a set found in a text, by an anchor q-gram filter instead of an automaton.
 *
 * SigmaHQ's `CommandLine|contains` literals are ~7,000; an Aho-Corasick DFA over them is a table
 * of megabytes, and each character step is a dependent read into it (a cache miss per character
 * on text the automaton has not seen). Here each literal of 4+ ASCII characters is keyed by one
 * of its 4-grams (its anchor: the one least common among the set's literals and in everyday
 * Windows text), a 3-character literal by itself. The scan slides a window of the last four
 * characters over the text and tests a hash of it in a bitset of at most 32 KB (L1/L2-resident);
 * steps do not depend on each other's memory reads, so they pipeline. Only on a set bit are the
 * literals anchored on that gram looked up and compared in place (`startsWith` at the position
 * the anchor puts them), which makes the result exact: a bit (or a hash collision) costs a
 * comparison, never a wrong answer.
 *
 * Literals with a non-ASCII character (homoglyph and dash lists: more than half of SigmaHQ's
 * CommandLine literals) can only be in a text that has a non-ASCII character too: they stay in an
 * Aho-Corasick automaton run only on such texts. Literals of one to three ASCII characters (`^^`,
 * `-f`, `net`) are keyed whole, in tables of their own; a direct table over character pairs says
 * at each position which tables a gram could end in.
 */
import { AhoCorasick } from './automaton.js';

/** Anchor gram length; shorter literals are keyed whole, tagged with their length (a packed 4-gram is below 2^28). */
const Q = 4;
const TAG3 = 3 << 28;
const TAG2 = 2 << 28;
const TAG1 = 1 << 28;
/** Flags of LiteralScan.pairs. */
const QUAD = 1;
const TRI = 2;
const DUO = 4;
const ONE = 8;
/** Fibonacci hashing of a packed gram into the bitset. */
const MIX = 0x9e3779b1;
/** Bitset of at most 2^18 bits (32 KB), at least 2^8. */
const MAX_BITS_LOG = 18;
const MIN_BITS_LOG = 8;
/** How much a gram's occurrences in everyday text count against it as an anchor, beside one literal's. */
const COMMON_WEIGHT = 16;

/** Seven bits per character: exact for ASCII (the only characters anchors are taken from). */
function pack(s: string, at: number, n: number): number {
  let g = 0;
  for (let k = 0; k < n; k++) g = (g << 7) | (s.charCodeAt(at + k) & 127);
  return n === 4 ? g : g | (n << 28);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * Everyday Windows text (lower-cased): system paths, service and browser command lines, registry
 * keys, account and product names. A literal's anchor is taken away from grams found here
 * (`\\sys`, `.exe`, `ost.` of svchost/dllhost), toward the part that makes it rare. Only speed
 * depends on it: any anchor finds the literal.
 */
const EVERYDAY_TEXT = [
  'c:\\windows\\system32\\svchost.exe -k netsvcs -p -s schedule', 'c:\\windows\\system32\\svchost.exe -k localservicenetworkrestricted -p',
  'c:\\windows\\syswow64\\', 'c:\\windows\\system32\\conhost.exe 0xffffffff -forcev1', '\\??\\c:\\windows\\system32\\conhost.exe',
  '"c:\\program files\\google\\chrome\\application\\chrome.exe" --type=renderer --field-trial-handle=1760,i,123 --lang=en-us --service-sandbox-type=none /prefetch:2',
  '"c:\\program files (x86)\\microsoft\\edge\\application\\msedge.exe" --type=utility --utility-sub-type=network.mojom.networkservice --mojo-platform-channel-handle=2044',
  'c:\\windows\\system32\\dllhost.exe /processid:{ab8902b4-09ca-4bb6-b78d-a8f59079a8d5}', 'c:\\windows\\system32\\wbem\\wmiprvse.exe -embedding',
  'c:\\windows\\system32\\rundll32.exe c:\\windows\\system32\\shell32.dll,sharunturnoff', 'c:\\windows\\system32\\taskhostw.exe {222a245b-e637-4ae9-a93f-a59ca119a75e}',
  'c:\\users\\user\\appdata\\local\\microsoft\\onedrive\\onedrive.exe /background', 'c:\\users\\user\\appdata\\roaming\\microsoft\\windows\\start menu\\programs\\',
  'c:\\windows\\system32\\searchindexer.exe /embedding', 'c:\\windows\\system32\\msiexec.exe /v', 'c:\\windows\\system32\\backgroundtaskhost.exe -servername:cortana.background',
  'c:\\windows\\explorer.exe', 'c:\\windows\\system32\\userinit.exe', 'c:\\windows\\system32\\winlogon.exe', 'c:\\windows\\system32\\services.exe',
  'c:\\windows\\system32\\lsass.exe', 'c:\\windows\\system32\\cmd.exe /c ""c:\\programdata\\scripts\\backup.bat""', 'c:\\windows\\temp\\',
  'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe -noprofile -executionpolicy bypass -file', 'c:\\windows\\microsoft.net\\framework64\\v4.0.30319\\',
  'c:\\program files\\windows defender\\msmpeng.exe', 'c:\\programdata\\microsoft\\windows defender\\platform\\', 'c:\\windows\\system32\\kernel32.dll',
  'hklm\\software\\microsoft\\windows\\currentversion\\run', 'hklm\\system\\currentcontrolset\\services\\', 'hkcu\\software\\microsoft\\windows\\currentversion\\explorer\\',
  'hku\\s-1-5-21-1004336348-1177238915-682003330-1001\\software\\classes\\', 'nt authority\\system', 'nt authority\\local service', 'nt authority\\network service',
  'microsoft corporation', 'microsoft® windows® operating system', '10.0.19041.1 (winbuild.160101.0800)', 'windows host process (rundll32)', 'dword (0x00000001)',
];

export interface LiteralScanOptions {
  /** Everyday text of the field (paths, common command lines): grams found there make poor anchors. */
  common?: readonly string[];
}

/** One bitset and its entries: the anchors of one gram length. */
class GramTable<T> {
  readonly shift: number;
  readonly bits: Int32Array;
  /** Entries sorted by hash; those whose hash h has h >>> GROUP as group g are first[g] .. first[g + 1] - 1. */
  readonly first: Int32Array;
  /** Per entry: its anchor's packed gram, where the anchor starts in the literal, the literal, its value. */
  readonly keys: Int32Array;
  readonly offs: Int32Array;
  readonly lits: string[];
  readonly vals: T[];

  constructor(anchors: ReadonlyArray<{ key: number; off: number; lit: string; value: T }>) {
    const distinct = new Set(anchors.map((a) => a.key)).size;
    let log = MIN_BITS_LOG;
    while (log < MAX_BITS_LOG && 1 << log < distinct * BITS_PER_ANCHOR) log++;
    this.shift = 32 - log;
    this.bits = new Int32Array(1 << (log - 5));
    const hashed = anchors.map((a) => ({ ...a, h: Math.imul(a.key, MIX) >>> this.shift })).sort((a, b) => a.h - b.h);
    this.first = new Int32Array((1 << Math.max(0, log - GROUP)) + 1);
    this.keys = Int32Array.from(hashed, (a) => a.key);
    this.offs = Int32Array.from(hashed, (a) => a.off);
    this.lits = hashed.map((a) => a.lit);
    this.vals = hashed.map((a) => a.value);
    let k = 0;
    for (let g = 0; g < this.first.length; g++) {
      while (k < hashed.length && hashed[k]!.h >>> GROUP < g) k++;
      this.first[g] = k;
    }
    for (const a of hashed) this.bits[a.h >>> 5]! |= 1 << (a.h & 31);
  }

  get bytes(): number {
    return this.bits.byteLength + this.first.byteLength + this.keys.byteLength + this.offs.byteLength;
  }
}

/** Hashes per group of the entry index: a group holds the entries of 2^GROUP consecutive bitset positions. */
const GROUP = 4;
/** Bitset positions per distinct anchor gram: the chance a gram that is no anchor hits a set bit is about 1 in this. */
const BITS_PER_ANCHOR = 32;

export class LiteralScan<T> {
  /** Anchors of 4-character grams (literals of 4+ characters), and the 3-, 2- and 1-character literals, each in a table of their own. */
  private readonly quad: GramTable<T> | undefined;
  private readonly tri: GramTable<T> | undefined;
  private readonly duo: GramTable<T> | undefined;
  private readonly one: GramTable<T> | undefined;
  private readonly wide: AhoCorasick<T> | undefined;

  /** `entries`: lower-cased literals (each once) and their values; texts searched must be lower-cased the same way. */
  constructor(entries: ReadonlyArray<readonly [string, T]>, opts: LiteralScanOptions = {}) {
    const ascii: Array<readonly [string, T]> = [];
    const wide: Array<readonly [string, T]> = [];
    for (const e of entries) (isAscii(e[0]) ? ascii : wide).push(e);
    // The empty literal is in every text, non-ASCII or not: the automaton reports it always.
    this.wide = automaton(wide);
    this.empty = ascii.filter((e) => e[0] === '').map((e) => e[1]);

    // How common each 4-gram is: among this set's literals (spreads the buckets) and in everyday text.
    const cost = new Map<number, number>();
    const bump = (s: string, w: number) => {
      const seen = new Set<number>();
      for (let i = 0; i + Q <= s.length; i++) {
        const g = pack(s, i, Q);
        if (!seen.has(g)) seen.add(g), cost.set(g, (cost.get(g) ?? 0) + w);
      }
    };
    for (const [lit] of ascii) bump(lit, 1);
    for (const t of [...EVERYDAY_TEXT, ...(opts.common ?? [])]) if (isAscii(t)) bump(t, COMMON_WEIGHT);

    const byLength: Array<Array<{ key: number; off: number; lit: string; value: T }>> = [[], [], [], [], []];
    for (const [lit, value] of ascii) {
      if (lit.length === 0) continue;
      if (lit.length < Q) {
        byLength[lit.length]!.push({ key: pack(lit, 0, lit.length), off: 0, lit, value });
        continue;
      }
      let key = pack(lit, 0, Q);
      let off = 0;
      let best = cost.get(key)!;
      for (let i = 1; i + Q <= lit.length; i++) {
        const g = pack(lit, i, Q);
        const c = cost.get(g)!;
        if (c < best) [best, key, off] = [c, g, i];
      }
      byLength[Q]!.push({ key, off, lit, value });
    }
    const table = (n: number) => (byLength[n]!.length ? new GramTable(byLength[n]!) : undefined);
    this.quad = table(4);
    this.tri = table(3);
    this.duo = table(2);
    this.one = table(1);
    for (const a of byLength[4]!) this.pairs[a.key & 0x3fff]! |= QUAD;
    for (const a of byLength[3]!) this.pairs[a.key & 0x3fff]! |= TRI;
    for (const a of byLength[2]!) this.pairs[a.key & 0x3fff]! |= DUO;
    for (const a of byLength[1]!) for (let x = 0; x < 128; x++) this.pairs[(x << 7) | (a.key & 0x7f)]! |= ONE;
  }

  /**
   * Per pair of (7-bit) characters: which tables have a gram ending in it. One direct read per
   * character of text; the hashed tables are probed only where a gram could end (a third to a
   * half of the positions in command lines, instead of every position four times).
   */
  private readonly pairs = new Uint8Array(1 << 14);

  private readonly empty: T[];

  /** Bytes of the bitsets, entry tables and automata (the literals' strings not counted). */
  get bytes(): number {
    let n = this.pairs.byteLength + (this.wide?.bytes ?? 0);
    for (const t of [this.quad, this.tri, this.duo, this.one]) n += t?.bytes ?? 0;
    return n;
  }

  /** Calls `found` for each literal in text (lower-cased), at least once each; callers dedupe. */
  search(text: string, found: (value: T) => void): void {
    for (let i = 0; i < this.empty.length; i++) found(this.empty[i]!);
    const { quad, tri, duo, one } = this;
    let wide = false;
    if (quad || tri || duo || one) {
      const pairs = this.pairs;
      const n = text.length;
      let g = 0;
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c > 127) wide = true;
        g = ((g << 7) | (c & 127)) & 0xfffffff;
        const f = pairs[g & 0x3fff]!;
        if (f === 0) continue;
        if (f & QUAD && i >= 3) probe(quad!, text, i - 3, g, found);
        if (f & TRI && i >= 2) probe(tri!, text, i - 2, (g & 0x1fffff) | TAG3, found);
        if (f & DUO && i >= 1) probe(duo!, text, i - 1, (g & 0x3fff) | TAG2, found);
        if (f & ONE) probe(one!, text, i, (g & 0x7f) | TAG1, found);
      }
    } else if (this.wide) wide = !isAscii(text);
    if (wide && this.wide) this.wide.search(text, found);
  }
}

/** Tests gram `key` (starting at `at`) in the table's bitset; on a set bit, the literals anchored on it. */
function probe<T>(t: GramTable<T>, text: string, at: number, key: number, found: (value: T) => void): void {
  const h = Math.imul(key, MIX) >>> t.shift;
  if (((t.bits[h >>> 5]! >>> (h & 31)) & 1) === 0) return;
  const { keys, offs, lits, vals, first } = t;
  const grp = h >>> GROUP;
  for (let k = first[grp]!, end = first[grp + 1]!; k < end; k++) {
    if (keys[k] !== key) continue;
    const s = at - offs[k]!;
    if (s >= 0 && text.startsWith(lits[k]!, s)) found(vals[k]!);
  }
}

function automaton<T>(entries: ReadonlyArray<readonly [string, T]>): AhoCorasick<T> | undefined {
  if (!entries.length) return undefined;
  const ac = new AhoCorasick<T>();
  for (const [k, v] of entries) ac.add(k, v);
  ac.build();
  return ac;
}
