/**
 * Reading stored events for a rebuild of closed hours. An hour can hold millions of events, so
 * they are read in bounded pages: a time range whose page comes back full is split in two and
 * read again, down to single milliseconds (a millisecond holding more than a page of events is
 * read up to the page and the rest counted as skipped: the store has no finer order to page by).
 */
import type { LogEvent } from '../generated/schema-types.js';
import type { EventStore } from '../store/event-store.js';

export const REBUILD_PAGE = 20_000;

export interface PagedRead {
  skipped: number;
}

export function* eventsBetween(store: EventStore, fromMs: number, toMs: number, stats: PagedRead, page = REBUILD_PAGE): Generator<LogEvent> {
  const ranges: Array<[number, number]> = [[fromMs, toMs]];
  while (ranges.length) {
    const [from, to] = ranges.pop()!;
    const events = store.query({ fromMs: from, toMs: to, limit: page });
    if (events.length >= page && to - from > 1) {
      const mid = from + Math.floor((to - from) / 2);
      // Later half first on the stack, so ranges come out in time order.
      ranges.push([mid, to], [from, mid]);
      continue;
    }
    if (events.length >= page) stats.skipped += 1; // at least one more; the exact number is unknown
    yield* events;
  }
}
