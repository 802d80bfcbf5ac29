/**
 * Escaping per output target. Everything interpolated into a message comes, directly or not,
 * from log lines an attacker can write, so every target has exactly one escaper and the renderer
 * applies it to every value: there is no "raw" interpolation.
 */
export type EscapeTarget = 'html' | 'mrkdwn' | 'text' | 'header';

// C0/C1 controls except tab and newline; bidi overrides (used to disguise text) too.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Attacker links made unclickable: mail clients and Slack turn `https://…`, `www.…` and bare
 * domains into links on their own, even in plain text. Defanged the way incident reports write
 * them (`hxxps://evil[.]example/login`), the text still says what the attacker sent. Only for
 * log-derived values: our own links (alert URLs) are rendered as they are.
 */
const SCHEME = /\b([a-z][a-z0-9+.-]{0,20}):\/\//gi;
// A host name: labels joined by dots, ending in an alphabetic TLD (so IPs and versions are left alone).
const HOST = /\b(?:[a-z0-9][a-z0-9-]{0,62}\.)+[a-z][a-z0-9-]{0,62}[a-z]\b/gi;

/**
 * Top-level domains a bare name is linked for: every two-letter (country) TLD plus the generic
 * ones common in links and abuse. Other dotted words (`process.exit`, `java.lang.Error`, `auth.log`)
 * are not domains a client links, and stay as written.
 */
const LINKED_TLDS = new Set(
  (
    'com net org info biz name pro mobi asia xyz top online site club shop store app dev page cloud tech link click live ' +
    'zip mov icu buzz work rest fun space website host world today email support help lol gdn loan win bid stream ' +
    'example test invalid localhost local onion gov edu mil int arpa'
  ).split(' '),
);

function linkedHost(host: string): boolean {
  const tld = host.slice(host.lastIndexOf('.') + 1).toLowerCase();
  return tld.length === 2 || LINKED_TLDS.has(tld) || /^www\./i.test(host);
}

export function defangLinks(s: string): string {
  return s
    .replace(SCHEME, (_, scheme: string) => {
      const lower = scheme.toLowerCase();
      return lower === 'http' || lower === 'https' ? `${scheme.replace(/t/gi, 'x')}://` : `${scheme}[:]//`;
    })
    .replace(HOST, (host) => (linkedHost(host) ? host.replace(/\./g, '[.]') : host));
}

export function escapeHtml(s: string): string {
  return defangLinks(s.replace(CONTROL, '')).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** HTML-escaped, not defanged: for our own links (href of an alert URL). */
export function escapeHtmlTrusted(s: string): string {
  return s.replace(CONTROL, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Slack mrkdwn has no backslash escape. Slack's documented escaping (&, <, >) disarms `<!channel>`,
 * `<!here>`, `<@U123>` and `<http://evil|click>` links, and `>` can no longer start a quote.
 * The formatting characters * _ ~ ` are swapped for look-alikes (∗ ˍ ∼ ˋ) so `*BOLD*_it_~st~`
 * shows as typed instead of bold/italic/struck, and a value cannot open or close a code span.
 * Plain `@channel`/`@here` only pings with link_names, which we never set, but a zero-width
 * joiner keeps them inert anyway. Links are defanged. Inside a code span use codeSpan().
 */
export function escapeMrkdwn(s: string): string {
  return slackEntities(defangLinks(s.replace(CONTROL, '')))
    .replace(/\*/g, '∗')
    .replace(/_/g, 'ˍ')
    .replace(/~/g, '∼');
}

function slackEntities(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, 'ˋ')
    .replace(/@(channel|here|everyone)\b/gi, '@\u200d$1');
}

/**
 * A log-derived value as Slack inline code: shown exactly as written (no formatting inside code),
 * with the entities Slack parses everywhere escaped, backticks swapped so the span cannot be
 * closed early, line breaks flattened (inline code does not span lines) and links defanged.
 */
export function codeSpan(s: string): string {
  const inner = slackEntities(defangLinks(s.replace(CONTROL, '').replace(/[\r\n\u2028\u2029]+/g, ' ')));
  return inner.trim() ? '`' + inner + '`' : '–';
}

/** Lines as a Slack code block, each escaped like codeSpan (backticks swapped: the block cannot be closed early). */
export function codeBlockInner(s: string): string {
  return slackEntities(defangLinks(s.replace(CONTROL, '')));
}

export function escapeText(s: string): string {
  return defangLinks(s.replace(CONTROL, ''));
}

/** For header values (email subject): no CR/LF or other controls, whitespace collapsed, bounded. */
export function sanitizeHeader(s: string, max = 200): string {
  const flat = s.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/**
 * `trusted`: the value is one of our own links (public_url + alert id), not log-derived: escaped
 * for the target but not defanged, so it stays a working link.
 */
export function escapeFor(target: EscapeTarget, s: string, trusted = false): string {
  switch (target) {
    case 'html':
      return trusted ? escapeHtmlTrusted(s) : escapeHtml(s);
    case 'mrkdwn':
      return trusted ? slackEntities(s.replace(CONTROL, '')) : escapeMrkdwn(s);
    case 'header':
      // Bounded as a whole after rendering; per value only the line breaks matter.
      return (trusted ? (x: string) => x : defangLinks)(s.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(CONTROL, ''));
    default:
      return trusted ? s.replace(CONTROL, '') : escapeText(s);
  }
}
