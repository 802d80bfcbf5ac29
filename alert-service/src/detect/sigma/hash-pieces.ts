/**
 * Sysmon's `Hashes` values (`SHA1=…,MD5=…,SHA256=…,IMPHASH=…`) looked up piece by piece instead
 * of searched. SigmaHQ's hash rules list ~5,800 `Hashes|contains: 'SHA256=<hex>'` literals; an
 * automaton over them is a 400,000-entry table stepped through ~190 hex characters per event
 * (~19 ns a character), while a split and four Map lookups of native-hashed strings cost a
 * fraction of that.
 *
 * Exact, not approximate: in a value of *well-formed* pieces (a known name, `=`, exactly that
 * name's number of lower-case hex digits, pieces joined by `,`), a literal that is itself a
 * well-formed piece occurs as a substring only as a whole piece. Its one `=` must sit on a
 * piece's `=` (hex digits hold none); the name before it must then be the tail of that piece's
 * name, and no known name ends with another (md5, sha1, sha256, imphash), so the occurrence starts
 * where the piece starts; both hex parts then have the same length, so literal and piece are
 * equal. Any value that is not well-formed goes through the full search, and literals that are not
 * whole pieces (`IMPHASH=`, a partial hash) are searched on every value.
 *
 * Values and literals are compared lower-cased (the index folds both), so `SHA1=ABC…` in an event
 * and `sha1=abc…` in a rule meet.
 */

/** Known names (with their `=`) and the length of their hex part. No name ends with another. */
const NAMES: ReadonlyArray<readonly [string, number]> = [['sha1=', 40], ['md5=', 32], ['sha256=', 64], ['imphash=', 32]];
const ONE_PIECE = /^(?:(?:md5|imphash)=[0-9a-f]{32}|sha1=[0-9a-f]{40}|sha256=[0-9a-f]{64})$/;

/** Is this (lower-cased) literal one whole well-formed piece? */
export function isHashPiece(literal: string): boolean {
  return ONE_PIECE.test(literal);
}

/**
 * The pieces of a lower-cased value made only of well-formed pieces, or null for anything else
 * (which must then be searched in full). The proof above needs of the value only that each
 * piece is a known name, `=`, and that name's number of characters with no `=` or `,` among them
 * (hex or not: a literal's hex part cannot equal anything else), so the check is a few native
 * `startsWith`/`indexOf` calls per piece, never a JavaScript step per character (a regular
 * expression validating the hex cost as much as the automaton it spares).
 */
export function hashPieces(lower: string): string[] | null {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    let end = -1;
    for (let k = 0; k < NAMES.length; k++) {
      const [name, hex] = NAMES[k]!;
      if (lower.startsWith(name, at)) {
        end = at + name.length + hex;
        break;
      }
    }
    if (end < 0 || end > lower.length) return null;
    const eq = lower.indexOf('=', at);
    // The name's own `=` must be the piece's only one; a `,` inside would split it.
    const nextEq = lower.indexOf('=', eq + 1);
    if (nextEq >= 0 && nextEq < end) return null;
    const comma = lower.indexOf(',', at);
    if (comma >= 0 && comma < end) return null;
    out.push(lower.slice(at, end));
    if (end === lower.length) return out;
    if (lower.charCodeAt(end) !== 44 /* , */) return null;
    at = end + 1;
  }
}
