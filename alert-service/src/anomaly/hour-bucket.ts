/** An open hour of one (host, source) series: what the consumer accumulates until the hour closes. */
import { DistinctCounter, type DistinctState } from './distinct-counter.js';
import { isAuthFailure, severityClass, type FeatureVector } from './features.js';
import type { LogEvent } from '../generated/schema-types.js';

export const HOUR_MS = 3_600_000;
/** New-template ids remembered per bucket (only their number is a feature). */
const MAX_NEW_TEMPLATE_IDS = 256;

export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

export interface BucketState {
  total: number;
  errors: number;
  warnings: number;
  info: number;
  auth_failures: number;
  http_4xx: number;
  http_5xx: number;
  ips: DistinctState;
  users: DistinctState;
  new_templates: number[];
}

export class HourBucket {
  total = 0;
  errors = 0;
  warnings = 0;
  info = 0;
  authFailures = 0;
  http4xx = 0;
  http5xx = 0;
  ips = new DistinctCounter();
  users = new DistinctCounter();
  newTemplates = new Set<number>();

  constructor(
    readonly host: string,
    readonly source: string,
    readonly hour: number,
  ) {}

  add(e: LogEvent): void {
    this.total++;
    const cls = severityClass(e);
    if (cls === 'error') this.errors++;
    else if (cls === 'warning') this.warnings++;
    else this.info++;
    if (isAuthFailure(e)) this.authFailures++;
    const status = e.fields.http_status;
    if (status !== undefined) {
      if (status >= 500) this.http5xx++;
      else if (status >= 400) this.http4xx++;
    }
    if (e.fields.src_ip) this.ips.add(e.fields.src_ip);
    if (e.fields.user) this.users.add(e.fields.user);
  }

  addNewTemplate(id: number): void {
    if (this.newTemplates.size < MAX_NEW_TEMPLATE_IDS) this.newTemplates.add(id);
  }

  /** The template turned out to be seen for the host in an earlier hour: not new here after all. */
  dropNewTemplate(id: number): boolean {
    return this.newTemplates.delete(id);
  }

  features(): FeatureVector {
    return {
      total: this.total,
      errors: this.errors,
      warnings: this.warnings,
      info: this.info,
      error_rate: errorRate(this.errors, this.total),
      auth_failures: this.authFailures,
      distinct_src_ips: this.ips.count(),
      distinct_users: this.users.count(),
      http_4xx: this.http4xx,
      http_5xx: this.http5xx,
      new_templates: this.newTemplates.size,
    };
  }

  toState(): BucketState {
    return {
      total: this.total,
      errors: this.errors,
      warnings: this.warnings,
      info: this.info,
      auth_failures: this.authFailures,
      http_4xx: this.http4xx,
      http_5xx: this.http5xx,
      ips: this.ips.toJSON(),
      users: this.users.toJSON(),
      new_templates: [...this.newTemplates],
    };
  }

  static fromState(host: string, source: string, hour: number, s: BucketState): HourBucket {
    const b = new HourBucket(host, source, hour);
    b.total = s.total;
    b.errors = s.errors;
    b.warnings = s.warnings;
    b.info = s.info;
    b.authFailures = s.auth_failures;
    b.http4xx = s.http_4xx;
    b.http5xx = s.http_5xx;
    b.ips = DistinctCounter.fromJSON(s.ips);
    b.users = DistinctCounter.fromJSON(s.users);
    for (const id of s.new_templates ?? []) b.addNewTemplate(id);
    return b;
  }
}

/**
 * Error share, smoothed with 10 pseudo-events: one error among two events in a quiet night hour
 * is not a "50% error rate" worth an alert, while 300 of 1,000 still reads ≈0.3.
 */
export function errorRate(errors: number, total: number): number {
  return errors / (total + 10);
}
