/**
 * Built-in templates. Operators override any of them in config (alerting.templates.*) or with
 * files <channel>.<part>.tmpl in alerting.templates.dir. Context: see NotificationContext in
 * template/context.ts.
 */
export const DEFAULT_TEMPLATES = {
  email_subject: '[{{status}}] {{title}}{{#if host}} on {{host}}{{/if}}{{#if more_hosts}} (+{{more_hosts}} hosts){{/if}}',
  email_text: `{{status}}: {{title}}
{{firing_count}} firing, {{resolved_count}} resolved
{{#each alerts}}
[{{severity}}] {{title}} — {{state}}
  host: {{host}}    rule: {{rule_id}}    events: {{count}}
  first seen: {{first_seen}}    last seen: {{last_seen}}
{{#if group_text}}  {{group_text}}
{{/if}}{{#if summary}}  {{summary}}
{{/if}}{{#each key_fields}}  {{key}}: {{value}}
{{/each}}{{#each ips}}  source IP: {{text}}
{{/each}}{{#if samples}}  sample lines:
{{#each samples}}    | {{this}}
{{/each}}{{/if}}  {{url}}

{{/each}}{{#if more_count}}… and {{more_count}} more alerts
{{/if}}{{#if held_back_count}}+{{held_back_count}} more alerts held back by the rate limit:
{{#each held_back}}  {{title}} ({{rule_id}}, {{severity}}): {{alerts}}
{{/each}}{{/if}}`,
  email_html: `<!doctype html>
<html><body style="font-family:sans-serif">
<h2>{{status}}: {{title}}</h2>
<p>{{firing_count}} firing, {{resolved_count}} resolved</p>
{{#each alerts}}<div style="border-left:4px solid #c33;padding-left:8px;margin-bottom:16px">
<h3><a href="{{url}}">[{{severity}}] {{title}}</a> — {{state}}</h3>
<table>
<tr><th align="left">Host</th><td>{{host}}</td></tr>
<tr><th align="left">Rule</th><td>{{rule_id}}</td></tr>
<tr><th align="left">Events</th><td>{{count}}</td></tr>
<tr><th align="left">First / last seen</th><td>{{first_seen}} / {{last_seen}}</td></tr>
{{#if group_text}}<tr><th align="left">Group</th><td>{{group_text}}</td></tr>{{/if}}
{{#each key_fields}}<tr><th align="left">{{key}}</th><td>{{value}}</td></tr>{{/each}}
{{#each ips}}<tr><th align="left">Source IP</th><td>{{text}}</td></tr>{{/each}}
</table>
{{#if summary}}<p>{{summary}}</p>{{/if}}
{{#if samples}}<pre style="background:#f4f4f4;padding:4px">{{#each samples}}{{this}}
{{/each}}</pre>{{/if}}
</div>
{{/each}}{{#if more_count}}<p>… and {{more_count}} more alerts</p>{{/if}}
{{#if held_back_count}}<p><b>+{{held_back_count}} more alerts held back by the rate limit:</b></p><ul>{{#each held_back}}<li>{{title}} ({{rule_id}}, {{severity}}): {{alerts}}</li>{{/each}}</ul>{{/if}}
</body></html>`,
  slack_title: '{{status}}: {{title}}',
  slack_body: '*{{firing_count}}* firing, *{{resolved_count}}* resolved{{#if host}} on `{{host}}`{{/if}}',
} as const;

export type TemplateName = keyof typeof DEFAULT_TEMPLATES;
