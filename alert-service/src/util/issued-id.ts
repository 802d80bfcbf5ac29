/**
 * The last event id the normalizer's hash issued (normalize/event-id.ts), for the encoder on the
 * same thread: the decode worker encodes each event right after normalizing it, so the id it
 * meets is mostly that very string, which it then knows to be 32 lowercase hex characters
 * without testing it again (the regex was ~0.8 % of the worker's time). An id that is not the
 * last one issued is tested as before.
 */
let last = '';

export function noteIssuedId(id: string): void {
  last = id;
}

/** Whether `id` equals the last id issued (then it is 32 lowercase hex characters). */
export function isLastIssuedId(id: string): boolean {
  return id === last && last !== '';
}
