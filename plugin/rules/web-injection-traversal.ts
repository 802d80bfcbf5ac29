/**
 * Injection and traversal attempts in request paths (URL-decoded once): SQL injection, path
 * traversal, local file inclusion, XSS, command injection, Log4Shell/JNDI, template injection.
 * Matching uses plain substring searches over a bounded, lower-cased path, so no input can make
 * it slow.
 */
import { defineRule } from '../sdk.js';
import { decodedLower } from '../lib/text.js';

export const SIGNATURES: ReadonlyArray<readonly [category: string, needles: readonly string[]]> = [
  ['sql_injection', ["' or ", "' or'", '" or "', "'--", "' --", "or 1=1", "' and ", 'union select', 'union all select', 'sleep(', 'benchmark(', 'waitfor delay', 'information_schema', "';", 'xp_cmdshell', '/*!', 'extractvalue(', 'updatexml(']],
  ['path_traversal', ['../', '..\\', '..%2f', '..%5c', '%2e%2e', '..;/', '/etc/passwd', '/etc/shadow', '/proc/self/', 'c:\\windows', 'boot.ini', 'win.ini']],
  ['xss', ['<script', 'javascript:', 'onerror=', 'onload=', '<svg', '<iframe', 'document.cookie', 'alert(']],
  ['command_injection', [';cat ', '|cat ', '$(', '`', ';wget ', '|wget ', ';curl ', '|curl ', ';id;', '|id', '/bin/sh', '/bin/bash', 'cmd.exe', 'powershell']],
  ['jndi', ['${jndi:', '${::-j}', '${lower:', '${env:']],
  ['template_injection', ['{{', '${{', '<%=', '#{']],
];

/**
 * The signatures' needles by their first two characters (one-character needles by the first):
 * each position of the path is looked up once, instead of ~70 includes() over the whole path
 * per request. Each needle keeps its category's rank, so the result is the first category (in
 * SIGNATURES order) with a needle anywhere in the path, as a loop over them in order gives.
 */
type Needle = { text: string; rank: number };
// Dense (filled) tables: an array grown by far indices would turn into a dictionary.
const BY_PAIR = new Array<Needle[] | undefined>(128 * 128).fill(undefined);
const BY_CHAR = new Array<Needle[] | undefined>(128).fill(undefined);
SIGNATURES.forEach(([, needles], rank) => {
  for (const text of needles) {
    const c1 = text.charCodeAt(0);
    if (c1 >= 128 || (text.length > 1 && text.charCodeAt(1) >= 128)) throw new Error(`web-injection-traversal: non-ASCII needle start ${JSON.stringify(text)}`);
    const slot = text.length === 1 ? BY_CHAR : BY_PAIR;
    const at = text.length === 1 ? c1 : c1 * 128 + text.charCodeAt(1);
    (slot[at] ??= []).push({ text, rank });
  }
});

/** The first category (in SIGNATURES order) with a needle in the URL-decoded, lower-cased path. */
export function injectionCategory(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const p = decodedLower(path);
  let best = SIGNATURES.length;
  for (let i = 0; i < p.length; i++) {
    const c1 = p.charCodeAt(i);
    if (c1 >= 128) continue;
    const single = BY_CHAR[c1];
    if (single) for (const n of single) if (n.rank < best) best = n.rank;
    if (i + 1 === p.length) break;
    const c2 = p.charCodeAt(i + 1);
    const pair = c2 < 128 ? BY_PAIR[c1 * 128 + c2] : undefined;
    if (pair) for (const n of pair) if (n.rank < best && p.startsWith(n.text, i)) best = n.rank;
    if (best === 0) break;
  }
  return best < SIGNATURES.length ? SIGNATURES[best]![0] : undefined;
}

export default defineRule({
  id: 'web-injection-traversal',
  title: 'Injection or traversal attempt in request path',
  description: 'A request path (URL-decoded) contains SQL injection, path traversal, XSS, command injection or JNDI patterns.',
  severity: 'high',
  tags: ['attack.initial_access', 'attack.t1190'],
  match: { kinds: ['web_access'], where: (e) => e.fields.http_path !== undefined && e.fields.http_path.length > 1 },
  extract(e) {
    const category = injectionCategory(e.fields.http_path);
    if (!category) return null;
    return { src_ip: e.fields.src_ip, category, path: e.fields.http_path, status: e.fields.http_status };
  },
  fire: { mode: 'single', groupBy: ['src_ip'] },
  summary: (c) => `${(c.values.category ?? []).join('/')} attempt from ${c.group.src_ip}: ${(c.values.path ?? [])[0] ?? ''}`,
});
