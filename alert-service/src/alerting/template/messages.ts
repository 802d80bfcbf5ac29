/**
 * Renders one notification for each channel: email (subject + text + HTML from templates),
 * Slack (Block Kit assembled here, texts from templates in mrkdwn), forward (one structured
 * record per alert, no template: it is data for a SIEM, not prose).
 */
import { randomUUID } from 'node:crypto';
import type { EmailMessage, ForwardMessage, SlackMessage, WebhookMessage } from '../notify/notifier.js';
import { codeBlockInner, codeSpan, escapeMrkdwn, sanitizeHeader } from './escape.js';
import type { NotificationContext } from './context.js';
import type { TemplateSet } from './templates.js';

const SEVERITY_EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  informational: ':white_circle:',
};

export const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max - 1) + '…' : s);

const FENCE = '```';
/** Alert sections per Slack message (a message has at most 50 blocks; each alert takes up to 4). */
const SLACK_MAX_ALERTS = 10;

/**
 * Clips already escaped mrkdwn to Slack's block limits. A plain cut could split an entity
 * (`&amp;` → `&am`) or a surrogate pair, or drop the closing backticks of a code span so that
 * formatting runs on into the rest of the message; values never contain backticks (escapeMrkdwn
 * swaps them), so any left open were opened by our own text and are closed again here.
 */
export function clipMrkdwn(s: string, max: number): string {
  if (s.length <= max) return s;
  const budget = max - 1 - FENCE.length; // room for '…' and a closing fence
  let cut = budget;
  const amp = s.lastIndexOf('&', cut - 1);
  if (amp >= 0 && cut - amp < 5 && s.indexOf(';', amp) >= cut) cut = amp;
  if (/[\uD800-\uDBFF]/.test(s[cut - 1] ?? '')) cut--;
  const head = s.slice(0, cut);
  const fences = head.split(FENCE);
  const inlineTicks = fences.join('').split('`').length - 1;
  const closer = fences.length % 2 === 0 ? FENCE : inlineTicks % 2 === 1 ? '`' : '';
  return head + '…' + closer;
}

/**
 * plain_text objects have no escaping at all; Slack documents no mention parsing there, but angle
 * brackets are swapped for look-alikes anyway so `<!channel>` from a log line stays text everywhere.
 */
export const plainTextSafe = (s: string) => s.replace(/</g, '‹').replace(/>/g, '›');

export function renderEmail(t: TemplateSet, ctx: NotificationContext): EmailMessage {
  return {
    channel: 'email',
    subject: sanitizeHeader(t.email_subject.render(ctx), 200),
    text: t.email_text.render(ctx),
    html: t.email_html.render(ctx),
  };
}

/** A Slack link whose URL is ours (public_url + id); still encoded so it cannot break the <url|text> syntax. */
export function slackLink(url: string, text: string): string {
  return `<${encodeURI(url).replace(/[|<>]/g, encodeURIComponent)}|${escapeMrkdwn(text)}>`;
}

export function renderSlack(t: TemplateSet, ctx: NotificationContext): SlackMessage {
  const title = clip(plainTextSafe(t.slack_title.render(ctx).replace(/\s+/g, ' ')), 150);
  const blocks: Record<string, unknown>[] = [
    // plain_text: Slack does not parse mrkdwn or mentions in it.
    { type: 'header', text: { type: 'plain_text', text: title || 'Logward alert', emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(t.slack_body.render(ctx), 3000) || ' ' } },
  ];
  // Log-derived values (host, fields, group, IPs, summary, samples) go into code spans and blocks: Slack shows them
  // exactly as written, with no formatting, mentions or links; titles (from rule definitions) are escaped.
  for (const a of ctx.alerts.slice(0, SLACK_MAX_ALERTS)) {
    const fields = [
      `*Severity*\n${SEVERITY_EMOJI[a.severity] ?? ''} ${escapeMrkdwn(a.severity)}`,
      `*Host*\n${codeSpan(a.host)}`,
      `*Rule*\n${codeSpan(a.rule_id)}`,
      `*Count*\n${a.count} events (${escapeMrkdwn(a.state)})`,
      ...a.key_fields.slice(0, 4).map((f) => `*${escapeMrkdwn(f.key)}*\n${codeSpan(f.value)}`),
      ...a.ips.slice(0, 2).map((ip) => `*Source IP*\n${codeSpan(ip.text)}`),
    ].slice(0, 10);
    blocks.push({ type: 'divider' });
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clipMrkdwn(`*${escapeMrkdwn(a.title)}*${a.summary ? '\n' + codeSpan(a.summary) : ''}`, 3000) },
      fields: fields.map((f) => ({ type: 'mrkdwn', text: clipMrkdwn(f, 2000) })),
    });
    if (a.samples.length) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(FENCE + a.samples.slice(-3).map(codeBlockInner).join('\n') + FENCE, 3000) } });
    }
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${slackLink(a.url, `Open alert #${a.id}`)} · first ${escapeMrkdwn(a.first_seen)} · last ${escapeMrkdwn(a.last_seen)}` }] });
  }
  const more = ctx.more_count + Math.max(0, ctx.alerts.length - SLACK_MAX_ALERTS);
  if (more > 0) {
    const list = slackLink(`${ctx.public_url.replace(/\/+$/, '')}/alerts`, 'all alerts');
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `… and ${more} more alerts (older or less severe than those above): ${list}` }] });
  }
  if (ctx.held_back_count > 0) {
    const lines = ctx.held_back.slice(0, 10).map((h) => `• ${escapeMrkdwn(h.title)} (${codeSpan(h.rule_id)}): ${h.alerts}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(`*+${ctx.held_back_count} more alerts held back by the rate limit:*\n${lines.join('\n')}`, 3000) } });
  }
  // Fallback text (notifications, old clients) is parsed as mrkdwn too: escape it.
  return { channel: 'slack', text: escapeMrkdwn(title), blocks: blocks.slice(0, 50) };
}

/** One alert as structured data, for the channels that carry data rather than prose (forward, webhook). */
function alertRecord(a: NotificationContext['alerts'][number], status: string): Record<string, unknown> {
  return {
    type: 'alert',
    status,
    alert_id: a.id,
    rule_id: a.rule_id,
    title: a.title,
    severity: a.severity,
    state: a.state,
    source: a.source,
    host: a.host,
    count: a.count,
    first_seen: a.first_seen,
    last_seen: a.last_seen,
    summary: a.summary,
    group: a.group_text,
    fields: Object.fromEntries(a.key_fields.map((f) => [f.key, f.value])),
    ips: a.enrichment,
    samples: a.samples,
    url: a.url,
  };
}

const heldBackRecord = (ctx: NotificationContext) => ({
  type: 'held_back',
  held_back: ctx.held_back_count,
  rules: ctx.held_back.map((h) => ({ rule_id: h.rule_id, title: h.title, alerts: h.alerts })),
});

export function renderForward(ctx: NotificationContext, nowMs: number): ForwardMessage {
  const status = ctx.status.toLowerCase();
  const records = ctx.alerts.map((a) => ({ time_ms: nowMs, record: alertRecord(a, status) }));
  if (ctx.held_back_count > 0) records.push({ time_ms: nowMs, record: heldBackRecord(ctx) });
  return { channel: 'forward', records };
}

/**
 * The webhook body (as Alertmanager's webhook payload: one document per notification). Values
 * are data, not markup: JSON encoding keeps them inert here, and a receiver that renders them
 * must escape them as it would any log text. The id is fixed now so retries can be recognised.
 */
export function renderWebhook(ctx: NotificationContext, nowMs: number): WebhookMessage {
  const status = ctx.status.toLowerCase();
  return {
    channel: 'webhook',
    body: {
      version: '1',
      id: randomUUID(),
      kind: 'alert',
      status,
      sent_at: new Date(nowMs).toISOString(),
      alerts: ctx.alerts.map((a) => alertRecord(a, status)),
      held_back: ctx.held_back_count > 0 ? heldBackRecord(ctx) : null,
    },
  };
}
