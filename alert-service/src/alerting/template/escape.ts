/**
 * Escaping per output target. Everything interpolated into a message comes, directly or not,
 * from log lines an attacker can write, so every target has exactly one escaper and the renderer
 * applies it to every value: there is no "raw" interpolation.
 */
export type EscapeTarget = 'html' | 'mrkdwn' | 'text' | 'header';

// C0/C1 controls except tab and newline; bidi overrides (used to disguise text) too.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function escapeHtml(s: string): string {
  return s.replace(CONTROL, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Slack mrkdwn: Slack's documented escaping is exactly &, <, > — which disarms `<!channel>`,
 * `<!here>`, `<@U123>` and `<http://evil|click>` links. Plain `@channel`/`@here` only pings with
 * link_names, which we never set, but a zero-width joiner keeps them inert anyway. Backticks are
 * swapped so a value cannot close a code span and start formatting of its own.
 */
export function escapeMrkdwn(s: string): string {
  return s
    .replace(CONTROL, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, 'ˋ')
    .replace(/@(channel|here|everyone)\b/gi, '@\u200d$1');
}

export function escapeText(s: string): string {
  return s.replace(CONTROL, '');
}

/** For header values (email subject): no CR/LF or other controls, whitespace collapsed, bounded. */
export function sanitizeHeader(s: string, max = 200): string {
  const flat = s.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

export function escapeFor(target: EscapeTarget, s: string): string {
  switch (target) {
    case 'html':
      return escapeHtml(s);
    case 'mrkdwn':
      return escapeMrkdwn(s);
    case 'header':
      // Bounded as a whole after rendering; per value only the line breaks matter.
      return s.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(CONTROL, '');
    default:
      return escapeText(s);
  }
}
