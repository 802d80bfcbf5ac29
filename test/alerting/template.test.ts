/** The safe template renderer and the escaping per target. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { template, TemplateError } from '../../alert-service/src/alerting/template/render.js';
import { codeSpan, defangLinks, escapeHtml, escapeMrkdwn, sanitizeHeader } from '../../alert-service/src/alerting/template/escape.js';
import { loadTemplates } from '../../alert-service/src/alerting/template/templates.js';
import { buildContext, type AlertView } from '../../alert-service/src/alerting/template/context.js';
import { renderSlack } from '../../alert-service/src/alerting/template/messages.js';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('template renderer', () => {
  it('renders values, each (with this, @index, outer names) and if/else, escaping every value for its target', () => {
    const t = template('{{title}}:{{#each alerts}} [{{@index}}] {{this.host}}/{{rule}}{{#if ok}}+{{else}}-{{/if}}{{/each}}{{#if none}} none{{/if}}', 'html');
    const out = t.render({ title: '<b>x</b>', rule: 'r&d', alerts: [{ host: '"h1"', ok: true }, { host: "h'2", ok: false }], none: [] });
    assert.equal(out, '&lt;b&gt;x&lt;/b&gt;: [0] &quot;h1&quot;/r&amp;d+ [1] h&#39;2/r&amp;d-');
  });

  it('never evaluates code and treats template syntax inside values as text', () => {
    const t = template('{{a}}', 'text');
    assert.equal(t.render({ a: '{{b}} ${process.exit()}', b: 'secret' }), '{{b}} ${process.exit()}');
    assert.equal(template('{{constructor.name}}{{__proto__}}', 'text').render({}), '');
    assert.throws(() => template('{{a + b}}', 'text'), TemplateError);
    assert.throws(() => template('{{#each a}}x', 'text'), /unclosed/);
    assert.throws(() => template('{{/if}}', 'text'), /unexpected/);
    assert.throws(() => template('{{#with a}}{{/with}}', 'text'), /unknown block/);
  });

  it('escapes Slack mrkdwn: no mentions, no links, no code-block breakout', () => {
    assert.equal(escapeMrkdwn('<!channel> <@U1> <http://x|y> & `a` @here'), '&lt;!channel&gt; &lt;@U1&gt; &lt;hxxp://x|y&gt; &amp; ˋaˋ @\u200dhere');
  });

  it('makes formatting characters inert in Slack mrkdwn and inside code spans', () => {
    assert.equal(escapeMrkdwn('*BOLD*_it_~st~'), '∗BOLD∗ˍitˍ∼st∼');
    assert.equal(escapeMrkdwn('> quoted'), '&gt; quoted');
    assert.equal(codeSpan('*BOLD*_it_~st~'), '`*BOLD*_it_~st~`', 'code shows the value exactly, unformatted');
    assert.equal(codeSpan('a` *b* `c'), '`aˋ *b* ˋc`', 'a backtick cannot close the span');
    assert.equal(codeSpan('<!channel> <https://evil.example|click>'), '`&lt;!channel&gt; &lt;hxxps://evil[.]example|click&gt;`');
    assert.equal(codeSpan('line1\nline2'), '`line1 line2`');
  });

  it('defangs attacker links so no client makes them clickable, and leaves other dotted words alone', () => {
    assert.equal(defangLinks('https://evil.example/login'), 'hxxps://evil[.]example/login');
    assert.equal(defangLinks('HTTP://x.ru and www.evil.co.uk/a, mail admin@evil.com'), 'HxxP://x[.]ru and www[.]evil[.]co[.]uk/a, mail admin@evil[.]com');
    assert.equal(defangLinks('ftp://files.evil.net/x'), 'ftp[:]//files[.]evil[.]net/x');
    assert.equal(defangLinks('203.0.113.7 v1.2.3 process.exit() auth.log java.lang.Error'), '203.0.113.7 v1.2.3 process.exit() auth.log java.lang.Error');
  });

  it('defangs log-derived values in every target but keeps our own links (url, *_url) working', () => {
    const ctx = { summary: 'see https://evil.example/login', url: 'https://logward.example/alerts/1', dashboard_url: 'https://logward.example/alerts' };
    for (const target of ['html', 'text', 'header', 'mrkdwn'] as const) {
      const out = template('{{summary}} | {{url}} | {{dashboard_url}}', target).render(ctx);
      assert.ok(!out.includes('https://evil'), `${target}: ${out}`);
      assert.ok(out.includes('hxxps://evil[.]example/login'), `${target}: ${out}`);
      assert.ok(out.includes('https://logward.example/alerts/1 | https://logward.example/alerts'), `${target}: ${out}`);
    }
  });

  it('keeps CR/LF and controls out of headers and bounds them', () => {
    assert.equal(sanitizeHeader('a\r\nBcc: x@y\u0000\u202e z'), 'a Bcc: x@y z');
    assert.equal(sanitizeHeader('x'.repeat(500), 50).length, 50);
    assert.equal(escapeHtml('\u0007<a>'), '&lt;a&gt;');
    const subject = template('[{{s}}] {{t}}', 'header').render({ s: 'FIRING', t: 'evil\r\nX-Y: 1' });
    assert.equal(subject, '[FIRING] evil X-Y: 1');
  });

  it('bounds HTML output without cutting an entity or a tag', () => {
    const t = template('{{#each xs}}<td class="v">{{this}}</td>{{/each}}', 'html');
    for (let pad = 0; pad < 24; pad++) {
      const out = t.render({ xs: ['x'.repeat(pad), ...Array.from({ length: 100 }, () => '<'.repeat(500))] });
      assert.ok(out.length <= 200_000);
      assert.match(out, /(?:&lt;|<\/td>|>)…$/, `cut badly: ${out.slice(-12)}`);
    }
  });

  it('loads overrides from config and from template files, and reports broken ones by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logward-tmpl-'));
    try {
      writeFileSync(join(dir, 'slack.title.tmpl'), 'From file: {{title}}');
      const set = loadTemplates({ dir, email_subject: 'Alert {{title}}' });
      assert.equal(set.slack_title.render({ title: 'T' }), 'From file: T');
      assert.equal(set.email_subject.render({ title: 'T' }), 'Alert T');
      assert.match(set.email_html.render({ title: '<i>', alerts: [] }), /&lt;i&gt;/);
      assert.throws(() => loadTemplates({ slack_body: '{{#if x}}' }), /templates\.slack_body: unclosed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Slack message limits', () => {
  const view = (over: Partial<AlertView>): AlertView => ({
    id: 1, title: 'T', severity: 'high', state: 'firing', host: 'h', rule_id: 'r', source: 'rule', count: 1,
    first_seen: '2026-01-01T00:00:00Z', last_seen: '2026-01-01T00:00:00Z', summary: '', url: 'http://x/alerts/1',
    group_text: '', key_fields: [], ips: [], enrichment: [], samples: [], ...over,
  });
  const mrkdwnTexts = (blocks: Record<string, unknown>[]) =>
    JSON.stringify(blocks).match(/"type":"mrkdwn","text":"((?:[^"\\]|\\.)*)"/g)!.map((m) => JSON.parse(m.slice(m.indexOf('"text":') + 7)) as string);

  it('clips escaped text without cutting an entity in half or leaving a code span open', () => {
    const templates = loadTemplates({});
    for (let pad = 0; pad < 5; pad++) {
      const samples = [0, 1, 2].map(() => 'x'.repeat(pad) + '<'.repeat(499 - pad));
      const ctx = buildContext({ status: 'FIRING', alerts: [view({ samples, summary: '&'.repeat(1000 - pad), host: 'y'.repeat(pad) + '>'.repeat(3000) })], firingCount: 1, resolvedCount: 0, maxAlerts: 10, heldBack: [], publicUrl: 'http://x' });
      const texts = mrkdwnTexts(renderSlack(templates, ctx).blocks);
      for (const t of texts) {
        assert.ok(t.length <= 3000);
        assert.doesNotMatch(t, /&(?:a|am|amp|l|lt|g|gt)?…/, `entity cut in ${t.slice(-20)}`);
        const fences = t.split('```');
        assert.equal(fences.length % 2, 1, `open code block in ${t.slice(-20)}`);
        assert.equal((fences.join('').split('`').length - 1) % 2, 0, `open code span in ${t.slice(-20)}`);
      }
    }
  });
});
