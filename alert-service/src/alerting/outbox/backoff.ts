/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, half random, so
 * retries of many messages after an outage spread out instead of arriving together.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random: () => number;
}

/** Delay before attempt number `attempt + 1`, given `attempt` attempts already made (>= 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * opts.random());
}
