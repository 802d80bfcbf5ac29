/**
 * Sigma value modifiers that turn one value into others before it is compared (pySigma's value
 * modifiers): `wide` (UTF-16LE), `base64`, `base64offset`, `windash`. Each original value becomes
 * a list of variants, any of which may match; `|all` then applies across the original values,
 * not across the variants.
 */
import { UnsupportedError } from './condition.js';

export const TRANSFORMS = new Set(['wide', 'utf16le', 'base64', 'base64offset', 'windash']);

/** More windash positions than this would need 5^n variants: refused rather than slowed down. */
const MAX_WINDASH_POSITIONS = 4;
/** pySigma's windash: `-` or `/` that starts a word (not preceded by a word character). */
const WINDASH_AT = /(?<![A-Za-z0-9_])[-/](?=[A-Za-z0-9_])/g;
const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];

/** Every spelling of a command-line flag: `-f` as `/f`, en dash, em dash, horizontal bar. */
export function windash(value: string): string[] {
  const positions = [...value.matchAll(WINDASH_AT)].map((m) => m.index!);
  if (positions.length > MAX_WINDASH_POSITIONS) throw new UnsupportedError(`|windash on a value with ${positions.length} flags (more than ${MAX_WINDASH_POSITIONS}) is not supported`);
  let out = [''];
  let from = 0;
  for (const at of positions) {
    const lit = value.slice(from, at);
    out = out.flatMap((prefix) => DASHES.map((d) => prefix + lit + d));
    from = at + 1;
  }
  const tail = value.slice(from);
  return out.map((p) => p + tail);
}

function bytesOf(value: string, wide: boolean): Buffer {
  return Buffer.from(value, wide ? 'utf16le' : 'utf8');
}

/** base64 of the value at each of the three alignments it can have inside a longer encoded text. */
export function base64offset(value: string, wide: boolean): string[] {
  const raw = bytesOf(value, wide);
  const start = [0, 2, 3];
  const endCut = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), raw]).toString('base64');
    const cut = endCut[(raw.length + i) % 3]!;
    out.push(enc.slice(start[i], cut ? enc.length - cut : enc.length));
  }
  return out;
}

function hasWildcard(v: string): boolean {
  return /(^|[^\\])[*?]/.test(v);
}

/**
 * Applies the value-transforming modifiers in the order the rule lists them. Returns one list of
 * variants per input value. Encodings of a value holding wildcards are refused (the wildcard
 * would be encoded as a character: pySigma refuses them too).
 */
export function transformValues(values: readonly string[], mods: readonly string[], field: string): string[][] {
  let wide = false;
  let groups = values.map((v) => [v]);
  for (const m of mods) {
    if (m === 'wide' || m === 'utf16le') {
      wide = true;
      continue;
    }
    if (m === 'base64' || m === 'base64offset') {
      if (groups.some((g) => g.some(hasWildcard))) throw new UnsupportedError(`field ${field}: |${m} on a value with wildcards`);
      groups = groups.map((g) => g.flatMap((v) => (m === 'base64' ? [bytesOf(v, wide).toString('base64')] : base64offset(v, wide))));
      wide = false;
    } else if (m === 'windash') groups = groups.map((g) => g.flatMap(windash));
  }
  // `wide` without an encoding after it: the value as UTF-16LE text (NUL after each character).
  if (wide) groups = groups.map((g) => g.map((v) => bytesOf(v, true).toString('latin1')));
  return groups;
}
