/**
 * GET /api/rules: what the detection stage runs — every active rule with its effective settings
 * (after config overrides) and counters, the rules disabled by config, and the Sigma rules skipped
 * at start-up with the reason. GET /api/rules/:id: one rule. Read-only: rules change by editing
 * plugin/ and the config, then restarting.
 */
import { Router } from 'express';
import type { CompiledRule } from './compiled.js';
import type { DetectionEngine } from './engine.js';
import type { RuleSet } from './ruleset.js';
import { skipSummary } from './sigma/load.js';

function describe(rule: CompiledRule, engine: DetectionEngine) {
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
  };
}

export function createRulesRouter(engine: DetectionEngine, ruleSet: RuleSet): Router {
  const router = Router();
  router.get('/rules', (_req, res) => {
    res.json({
      rules: ruleSet.rules.map((r) => describe(r, engine)),
      disabled: ruleSet.disabled,
      skipped: ruleSet.skipped,
      // Reason classes with counts: a SigmaHQ checkout skips hundreds of rules for a dozen reasons.
      skipped_summary: skipSummary(ruleSet.skipped),
      warnings: ruleSet.warnings,
    });
  });
  router.get('/rules/:id', (req, res) => {
    const rule = ruleSet.rules.find((r) => r.id === req.params.id);
    if (!rule) {
      res.status(404).json({ error: 'not_found', message: `no active rule ${String(req.params.id).slice(0, 200)}` });
      return;
    }
    res.json(describe(rule, engine));
  });
  return router;
}
