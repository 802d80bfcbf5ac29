/**
 * Bearer token check for the ingest route. Both sides are hashed to a fixed length first so
 * timingSafeEqual compares in constant time whatever the presented token's length.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function createTokenCheck(tokens: readonly string[]): (authorization: string | undefined) => boolean {
  const expected = tokens.map(digest);
  return (authorization) => {
    const m = /^Bearer[ ]+(\S{1,4096})\s*$/i.exec(authorization ?? '');
    const presented = digest(m?.[1] ?? '');
    let ok = false;
    // Compare against every token, without short-circuit, so timing does not reveal which matched.
    for (const e of expected) ok = timingSafeEqual(e, presented) || ok;
    return ok;
  };
}
