/**
 * A follow-up to an alert already sent: a note that arrived later (an LLM summary). Its text is
 * untrusted (a model that read attacker-written logs wrote it), so it is escaped per target like
 * log text: mrkdwn-escaped and defanged in Slack, HTML-escaped in email, links broken everywhere.
 * Only the alert link is ours. Email replies thread under the alert's own message (In-Reply-To).
 */
import { randomUUID } from 'node:crypto';
import type { ChannelName, ChannelMessage } from '../notify/notifier.js';
import type { AlertRow } from '../store/alert-repository.js';
import { alertUrl } from './context.js';
import { escapeHtml, escapeHtmlTrusted, escapeMrkdwn, escapeText, sanitizeHeader } from './escape.js';
import { clip, clipMrkdwn, plainTextSafe, slackLink } from './messages.js';

export interface FollowUpNote {
  /** What the note is, e.g. "Summary (llama3.1:8b)"; ours, not model text. */
  label: string;
  text: string;
  items: readonly string[];
  /** Extra labelled values, e.g. the model's own severity opinion. */
  facts: ReadonlyArray<{ key: string; value: string }>;
}

export function renderFollowUp(ch: ChannelName, alert: AlertRow, note: FollowUpNote, publicUrl: string, nowMs: number, inReplyTo?: string): ChannelMessage {
  const url = alertUrl(publicUrl, alert.id);
  const heading = `${note.label} for alert #${alert.id}: ${alert.title}`;
  if (ch === 'slack') {
    const body = [escapeMrkdwn(clip(note.text, 2500)), ...note.items.slice(0, 6).map((i) => `• ${escapeMrkdwn(clip(i, 400))}`)].join('\n');
    const facts = note.facts.map((f) => `*${escapeMrkdwn(f.key)}*: ${escapeMrkdwn(clip(f.value, 200))}`).join(' · ');
    return {
      channel: 'slack',
      text: escapeMrkdwn(clip(heading, 150)),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: clip(plainTextSafe(heading), 150), emoji: false } },
        { type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(body, 3000) || ' ' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `${facts ? facts + ' · ' : ''}${slackLink(url, `Open alert #${alert.id}`)} · advisory, the alert itself is unchanged` }] },
      ],
    };
  }
  if (ch === 'email') {
    const items = note.items.slice(0, 6);
    return {
      channel: 'email',
      subject: sanitizeHeader(`Re: [Logward] ${alert.title} (#${alert.id})`, 200),
      text: [heading, '', escapeText(note.text), ...items.map((i) => `- ${escapeText(i)}`), '', ...note.facts.map((f) => `${f.key}: ${escapeText(f.value)}`), '', url, '(advisory: the alert itself is unchanged)'].join('\n'),
      html: [
        `<p><strong>${escapeHtml(heading)}</strong></p>`,
        `<p>${escapeHtml(note.text)}</p>`,
        items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : '',
        note.facts.map((f) => `<p>${escapeHtml(f.key)}: ${escapeHtml(f.value)}</p>`).join(''),
        `<p><a href="${escapeHtmlTrusted(url)}">Open alert #${alert.id}</a> (advisory: the alert itself is unchanged)</p>`,
      ].join(''),
      ...(inReplyTo ? { inReplyTo } : {}),
    };
  }
  const record = { type: 'follow_up', alert_id: alert.id, rule_id: alert.rule_id, host: alert.host, label: note.label, text: note.text, items: [...note.items], facts: Object.fromEntries(note.facts.map((f) => [f.key, f.value])), url };
  if (ch === 'webhook') return { channel: 'webhook', body: { version: '1', id: randomUUID(), kind: 'follow_up', sent_at: new Date(nowMs).toISOString(), ...record } };
  return { channel: 'forward', records: [{ time_ms: nowMs, record }] };
}
