import { eq, getTableColumns, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { budgetColumn, PERMISSIONS_WITH_BUDGET } from '../budget.js';
import type { LibSQLDrizzle } from '../database-option.js';
import { apiKeysTable } from '../schema.js';

/** `latchkey_keys` as `k` joined to its budget key `b`: the aliases that `budgetColumn` reads. */
export const k = alias(apiKeysTable, 'k');
export const b = alias(apiKeysTable, 'b');
export const withBudget = eq(b.id, k.budgetKeyId);

/**
 * A key's record as its owner sees it, and as it is verified: a rolled key's metadata, rate
 * limits, `remaining` and refill are its budget key's (and the two keys count on one rate-limit
 * counter), and its permissions those of its own that its budget key holds too. Its state
 * (enabled, expiry, revocation) is its own.
 */
export const recordColumns = {
  ...getTableColumns(k),
  permissions: sql`${sql.raw(PERMISSIONS_WITH_BUDGET)}`.mapWith(k.permissions),
  metadata: sql`${sql.raw(budgetColumn('metadata'))}`.mapWith(k.metadata),
  rateLimits: sql`${sql.raw(budgetColumn('rate_limits'))}`.mapWith(k.rateLimits),
  remaining: sql<number | null>`${sql.raw(budgetColumn('remaining'))}`,
  refillAmount: sql<number | null>`${sql.raw(budgetColumn('refill_amount'))}`,
  refillIntervalMs: sql<number | null>`${sql.raw(budgetColumn('refill_interval_ms'))}`,
  lastRefillAt: sql<number | null>`${sql.raw(budgetColumn('last_refill_at'))}`,
};

/** Keys' records as `recordColumns` reads them, through the budget key once rolled; add `where`. */
export function selectRecord(db: LibSQLDrizzle) {
  return db.select(recordColumns).from(k).leftJoin(b, withBudget);
}
