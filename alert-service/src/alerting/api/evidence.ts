/**
 * An alert's evidence for GET /alerts/:id: the stored events its event_ids name (the most recent
 * 50), found within the alert's event-time span and read on the store's read worker like any
 * event search (so at most its row budget is read; events past retention are gone).
 */
import type { LogEvent } from '../../generated/schema-types.js';
import type { EventStore } from '../../store/event-store.js';
import { ReadQueueFullError } from '../../store/event-read-worker.js';
import { ApiError } from '../../server/http-error.js';
import type { AlertDetailPart } from './router.js';

export const MAX_EVIDENCE_EVENTS = 50;

export function alertEvidence(store: EventStore): AlertDetailPart {
  return async (alert) => {
    const ids = alert.event_ids.slice(-MAX_EVIDENCE_EVENTS);
    const fromMs = Date.parse(alert.first_seen);
    const toMs = Date.parse(alert.last_seen);
    if (!ids.length || !Number.isFinite(fromMs) || !Number.isFinite(toMs)) return { evidence: [] };
    try {
      const page = await store.queryPage({ fromMs, toMs: toMs + 1, newestFirst: true, limit: ids.length, match: { ids } });
      return { evidence: JSON.parse(Buffer.from(page.eventsJson).toString('utf8')) as LogEvent[] };
    } catch (err) {
      if (err instanceof ReadQueueFullError) throw new ApiError(503, 'busy', err.message);
      throw err;
    }
  };
}
