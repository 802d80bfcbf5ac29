/**
 * Which kind of log a record came from. The agent says so explicitly (`source_kind`, added by our
 * fluent-bit/ configs); otherwise the tag prefix the input was given (`auth.*`, `web.*`...);
 * otherwise the file name.
 */
import type { SourceKind } from '../generated/schema-types.js';

export type { SourceKind };

const KINDS: ReadonlySet<string> = new Set(['auth', 'syslog', 'web_access', 'web_error', 'app', 'windows']);

export function isSourceKind(v: unknown): v is SourceKind {
  return typeof v === 'string' && KINDS.has(v);
}

/** From a file path (also what `logward test-rule` / `analyze` use for local files). */
export function kindFromPath(path: string): SourceKind {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  // Bounded before the regexes below (a file name is at most 255 bytes on every filesystem we tail).
  const base = path.slice(slash + 1).slice(0, 255).toLowerCase();
  // Rotated files keep their kind: auth.log.1, secure-20261121, syslog.2.gz
  if (/^(?:auth\.log|secure)(?:[.-]|$)/.test(base)) return 'auth';
  if (/^(?:syslog|messages)(?:[.-]|$)/.test(base)) return 'syslog';
  // *access*.log, access_log (RHEL httpd), access.log.1
  if (/access.*[._]log\b/.test(base)) return 'web_access';
  if (/error.*[._]log\b/.test(base) && /nginx|apache|httpd/i.test(path)) return 'web_error';
  return 'app';
}

/** From the Fluent Bit tag (tail tags are "<prefix>." + the path with '/' → '.'). */
export function kindFromTag(tag: string, path: string | undefined): SourceKind | undefined {
  if (tag.startsWith('auth.') || tag === 'auth') return 'auth';
  if (tag.startsWith('syslog.') || tag === 'syslog') return 'syslog';
  if (tag.startsWith('web.access.') || tag === 'web.access') return 'web_access';
  if (tag.startsWith('web.error.') || tag === 'web.error') return 'web_error';
  if (tag.startsWith('web.') || tag === 'web') {
    const hint = (path ?? tag).toLowerCase();
    const base = hint.slice(Math.max(hint.lastIndexOf('/'), hint.lastIndexOf('\\')) + 1);
    return base.includes('error') ? 'web_error' : 'web_access';
  }
  if (tag.startsWith('app.') || tag === 'app') return 'app';
  if (tag.startsWith('win.') || tag === 'win' || tag.startsWith('windows.')) return 'windows';
  return undefined;
}

/** source_kind field, then tag prefix, then path, then `fallback`. */
export function resolveKind(explicit: unknown, tag: string | undefined, path: string | undefined, fallback: SourceKind): SourceKind {
  if (isSourceKind(explicit)) return explicit;
  if (tag) {
    const k = kindFromTag(tag, path);
    if (k) return k;
  }
  if (path) return kindFromPath(path);
  return fallback;
}
