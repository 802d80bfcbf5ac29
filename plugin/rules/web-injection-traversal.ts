/**
 * Injection and traversal attempts in request paths (URL-decoded once): SQL injection, path
 * traversal, local file inclusion, XSS, command injection, Log4Shell/JNDI, template injection.
 * Matching uses plain substring searches over a bounded, lower-cased path, so no input can make
 * it slow.
 */
import { defineRule } from '../sdk.js';
import { decodedLower } from '../lib/text.js';

const SIGNATURES: Array<[category: string, needles: string[]]> = [
  ['sql_injection', ["' or ", "' or'", '" or "', "'--", "' --", "or 1=1", "' and ", 'union select', 'union all select', 'sleep(', 'benchmark(', 'waitfor delay', 'information_schema', "';", 'xp_cmdshell', '/*!', 'extractvalue(', 'updatexml(']],
  ['path_traversal', ['../', '..\\', '..%2f', '..%5c', '%2e%2e', '..;/', '/etc/passwd', '/etc/shadow', '/proc/self/', 'c:\\windows', 'boot.ini', 'win.ini']],
  ['xss', ['<script', 'javascript:', 'onerror=', 'onload=', '<svg', '<iframe', 'document.cookie', 'alert(']],
  ['command_injection', [';cat ', '|cat ', '$(', '`', ';wget ', '|wget ', ';curl ', '|curl ', ';id;', '|id', '/bin/sh', '/bin/bash', 'cmd.exe', 'powershell']],
  ['jndi', ['${jndi:', '${::-j}', '${lower:', '${env:']],
  ['template_injection', ['{{', '${{', '<%=', '#{']],
];

export function injectionCategory(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const p = decodedLower(path);
  for (const [category, needles] of SIGNATURES) for (const n of needles) if (p.includes(n)) return category;
  return undefined;
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
