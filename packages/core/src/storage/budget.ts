/**
 * A key as verification and its record must see it, in SQL: `k`, joined to `b`, its budget key
 * (the newest key of its rolls) once it was rolled, so that a key in its grace period is limited
 * exactly as the key that replaced it is. Without `b` (never rolled, or its budget key deleted
 * other than by `purge`, which keeps it while a key spends from it: its spends are then refused,
 * as they find no budget) the key's own columns stand.
 */
export const KEY_WITH_BUDGET =
  'latchkey_keys k left join latchkey_keys b on b.id = k.budget_key_id';

/**
 * One of the budget's columns (`remaining`, the refill, and the rate limits, whose counters the
 * keys share too) as `KEY_WITH_BUDGET` gives it.
 */
export function budgetColumn(column: 'remaining' | 'rate_limits' | BudgetRefillColumn): string {
  return `(case when b.id is null then k.${column} else b.${column} end)`;
}

type BudgetRefillColumn = 'refill_amount' | 'refill_interval_ms' | 'last_refill_at';
