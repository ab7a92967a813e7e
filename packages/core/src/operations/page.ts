import { encodeCursor } from '../cursor.js';
import type { Page } from '../types.js';

/**
 * A page of at most `limit` items from `rows`, read one beyond the limit: that extra row says
 * there is a next page, whose cursor is the last item's `at` and id.
 */
export function page<R extends { id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  at: (row: R) => number,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(at(last), last.id) : null,
  };
}
