/**
 * Resolves the template set (file in templates.dir > config string > built-in) and compiles it
 * once, so a broken user template stops start-up with its name instead of failing at 3 a.m.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertingConfig } from '../../generated/schema-types.js';
import { DEFAULT_TEMPLATES, type TemplateName } from './defaults.js';
import { template, TemplateError, type Template } from './render.js';
import type { EscapeTarget } from './escape.js';

const TARGETS: Record<TemplateName, EscapeTarget> = {
  email_subject: 'header',
  email_text: 'text',
  email_html: 'html',
  slack_title: 'text',
  slack_body: 'mrkdwn',
};

export type TemplateSet = Record<TemplateName, Template>;

export function loadTemplates(cfg: AlertingConfig['templates']): TemplateSet {
  const out = {} as TemplateSet;
  for (const name of Object.keys(DEFAULT_TEMPLATES) as TemplateName[]) {
    const file = cfg.dir ? join(cfg.dir, name.replace('_', '.') + '.tmpl') : undefined;
    const source = file && existsSync(file) ? readFileSync(file, 'utf8') : (cfg[name] ?? DEFAULT_TEMPLATES[name]);
    try {
      out[name] = template(source, TARGETS[name]);
    } catch (err) {
      throw new TemplateError(`alerting template ${file && existsSync(file) ? file : `templates.${name}`}: ${(err as Error).message}`);
    }
  }
  return out;
}
