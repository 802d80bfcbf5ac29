/**
 * The rules API (mounted under /api/v1 and /api):
 *   GET    /rules                 every active rule with its effective settings (definition, config
 *                                 overrides, runtime override) and counters; the rules disabled by
 *                                 config; the Sigma rules skipped at start-up with the reason
 *   GET    /rules/:id             one rule
 *   PATCH  /rules/:id             enable/disable, threshold, window, quiet period, severity: applied
 *                                 by the running engine, stored, applied again after a restart
 *   DELETE /rules/:id/override    back to the configured settings
 *   POST   /rules/:id/test        run the rule over posted lines (the offline `test-rule` code)
 * Bodies are validated against schemas/ (rule-runtime-override, rule-test-request) here and by the
 * OpenAPI request validator in front.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { RuleRuntimeOverride, RuleTestRequest } from '../generated/schema-types.js';
import type { TestRuleOptions, TestRuleResult } from '../cli/commands/test-rule.js';
import { describeErrors, validatorFor } from '../schema/registry.js';
import { ApiError, apiErrorHandler, badRequest, notFound } from '../server/http-error.js';
import type { CompiledRule } from './compiled.js';
import type { DetectionEngine } from './engine.js';
import type { RuleSet } from './ruleset.js';
import { OverrideNotApplicable, type RuntimeRuleSettings } from './runtime-overrides.js';
import { skipSummary } from './sigma/load.js';

export type RuleTester = (opts: TestRuleOptions) => Promise<TestRuleResult>;

function describe(rule: CompiledRule, engine: DetectionEngine, runtime: RuntimeRuleSettings) {
  const f = rule.fire;
  const stats = engine.metrics.by_rule.get(rule.id) ?? { matches: 0, signals: 0 };
  return {
    id: rule.id,
    title: rule.title,
    description: rule.description,
    severity: rule.severity,
    source: rule.source,
    file: rule.file,
    tags: rule.tags,
    fire: {
      mode: f.mode,
      ...(f.mode === 'count' || f.mode === 'distinct' ? { threshold: f.threshold } : {}),
      ...(f.mode !== 'single' ? { window_s: f.windowMs / 1000 } : {}),
      ...(f.distinctField ? { distinct_field: f.distinctField } : {}),
      ...(f.mode === 'sequence' ? { steps: f.steps, ordered: f.ordered } : {}),
      quiet_s: f.quietMs / 1000,
      group_by: f.groupBy,
    },
    ...(rule.settings ? { settings: rule.settings } : {}),
    matches: stats.matches,
    signals: stats.signals,
    open_groups: engine.groupCountOf(rule),
    enabled: runtime.enabled(rule.id),
    runtime_override: runtime.get(rule.id) ?? null,
  };
}

function validate<T>(schemaFile: string, body: unknown): T {
  const v = validatorFor<T>(schemaFile);
  if (!v(body)) throw badRequest(`invalid body: ${describeErrors(v.errors)}`);
  return body;
}

export function createRulesRouter(engine: DetectionEngine, ruleSet: RuleSet, runtime: RuntimeRuleSettings, tester?: RuleTester): Router {
  const router = Router();
  const ruleOf = (req: Request): CompiledRule => {
    const id = String(req.params.id);
    const rule = ruleSet.rules.find((r) => r.id === id);
    if (rule) return rule;
    if (ruleSet.disabled.includes(id)) throw new ApiError(409, 'conflict', `rule ${id.slice(0, 200)} is disabled in the config (rules.disabled or rules.overrides); it is not loaded, so only a config change and a restart turn it on`);
    throw notFound(`no active rule ${id.slice(0, 200)}`);
  };

  router.get('/rules', (_req, res) => {
    res.json({
      rules: ruleSet.rules.map((r) => describe(r, engine, runtime)),
      disabled: ruleSet.disabled,
      skipped: ruleSet.skipped,
      // Reason classes with counts: a SigmaHQ checkout skips hundreds of rules for a dozen reasons.
      skipped_summary: skipSummary(ruleSet.skipped),
      warnings: ruleSet.warnings,
    });
  });
  router.get('/rules/:id', (req, res) => {
    res.json(describe(ruleOf(req), engine, runtime));
  });
  router.patch('/rules/:id', (req, res) => {
    const rule = ruleOf(req);
    const patch = validate<RuleRuntimeOverride>('rule-runtime-override.schema.json', req.body ?? {});
    try {
      runtime.update(rule, patch);
    } catch (err) {
      if (err instanceof OverrideNotApplicable) throw badRequest(err.message);
      throw err;
    }
    res.json(describe(rule, engine, runtime));
  });
  router.delete('/rules/:id/override', (req, res) => {
    const rule = ruleOf(req);
    runtime.reset(rule);
    res.json(describe(rule, engine, runtime));
  });

  // One test at a time: each loads the rule files and runs a private engine over up to 10,000 lines.
  let testing = false;
  router.post('/rules/:id/test', async (req: Request, res: Response) => {
    const rule = ruleOf(req);
    const body = validate<RuleTestRequest>('rule-test-request.schema.json', req.body ?? {});
    if (!tester) throw new ApiError(503, 'unavailable', 'rule tests are not available in this service');
    if (testing) {
      res.setHeader('Retry-After', '1');
      throw new ApiError(503, 'busy', 'another rule test is running; try again in a moment');
    }
    testing = true;
    const dir = mkdtempSync(join(tmpdir(), 'logward-rule-test-'));
    try {
      // The CLI's code reads a file: the posted lines become one, removed afterwards.
      const file = join(dir, 'posted-lines');
      writeFileSync(file, body.lines.map((l) => l.replace(/[\r\n]+/g, ' ')).join('\n') + '\n');
      const o = runtime.get(rule.id);
      const result = await tester({
        rule: rule.id,
        file,
        maxLines: body.max_lines ?? 50,
        ...(body.kind ? { kind: body.kind } : {}),
        ...(body.host ? { host: body.host } : {}),
        // The rule as it runs now: the runtime threshold and window apply to the test too.
        ...(o?.window_s !== undefined ? { window: o.window_s } : {}),
        ...(o?.threshold !== undefined ? { threshold: o.threshold } : {}),
      });
      const { exitCode, input, ...rest } = result;
      res.json({ exit_code: exitCode, input: { ...input, file: '(posted lines)' }, ...rest, text: rest.text.split(file).join('(posted lines)') });
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw badRequest(`rule test failed: ${(err as Error).message.split(dir).join('')}`);
    } finally {
      testing = false;
      rmSync(dir, { recursive: true, force: true });
    }
  });
  router.use(apiErrorHandler());
  return router;
}
