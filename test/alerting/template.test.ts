/** The safe template renderer and the escaping per target. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { template, TemplateError } from '../../alert-service/src/alerting/template/render.js';
import { escapeHtml, escapeMrkdwn, sanitizeHeader } from '../../alert-service/src/alerting/template/escape.js';
import { loadTemplates } from '../../alert-service/src/alerting/template/templates.js';
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
    assert.equal(t.render({ a: '{{b}} ${process.exit()}' , b: 'secret' }), '{{b}} ${process.exit()}');
    assert.equal(template('{{constructor.name}}{{__proto__}}', 'text').render({}), '');
    assert.throws(() => template('{{a + b}}', 'text'), TemplateError);
    assert.throws(() => template('{{#each a}}x', 'text'), /unclosed/);
    assert.throws(() => template('{{/if}}', 'text'), /unexpected/);
    assert.throws(() => template('{{#with a}}{{/with}}', 'text'), /unknown block/);
  });

  it('escapes Slack mrkdwn: no mentions, no links, no code-block breakout', () => {
    assert.equal(escapeMrkdwn('<!channel> <@U1> <http://x|y> & `a` @here'), '&lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt; &amp; ˋaˋ @\u200dhere');
  });

  it('keeps CR/LF and controls out of headers and bounds them', () => {
    assert.equal(sanitizeHeader('a\r\nBcc: x@y\u0000\u202e z'), 'a Bcc: x@y z');
    assert.equal(sanitizeHeader('x'.repeat(500), 50).length, 50);
    assert.equal(escapeHtml('\u0007<a>'), '&lt;a&gt;');
    const subject = template('[{{s}}] {{t}}', 'header').render({ s: 'FIRING', t: 'evil\r\nX-Y: 1' });
    assert.equal(subject, '[FIRING] evil X-Y: 1');
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
