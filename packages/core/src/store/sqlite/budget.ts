/**
 * A key as verification and its record must see it, in SQL: `k`, joined to `b`, its budget key
 * (the newest key of its rolls) once it was rolled, so that a key in its grace period is limited,
 * and allowed, exactly as the key that replaced it is. Its state (enabled, expiry, revocation)
 * stays its own: a leaked new key can be revoked without cutting off what still runs on the old
 * one. Without `b` (never rolled, or its budget key deleted other than by `purge`, which keeps it
 * while a key spends from it: its spends are then refused, as they find no budget) the key's own
 * columns stand.
 */
export const KEY_WITH_BUDGET =
  'latchkey_keys k left join latchkey_keys b on b.id = k.budget_key_id';

/**
 * One of the settings a key in its grace period takes from the key that replaced it, as
 * `KEY_WITH_BUDGET` gives it: `remaining`, the refill, the rate limits (whose counters the keys
 * share too) and the metadata.
 */
export function budgetColumn(column: BudgetColumn): string {
  return `(case when b.id is null then k.${column} else b.${column} end)`;
}

type BudgetColumn =
  | 'remaining'
  | 'rate_limits'
  | 'metadata'
  | 'refill_amount'
  | 'refill_interval_ms'
  | 'last_refill_at';

/**
 * A key's permissions as `KEY_WITH_BUDGET` gives them: in its grace period, those of its own that
 * the key that replaced it holds too. Narrowing the new key narrows the old one; widening it does
 * not widen the old one, which is often rolled because it leaked. A column that is not a list
 * is given as it is, for the shape check to refuse (`json_each` would make a list of anything).
 */
export const PERMISSIONS_WITH_BUDGET = `(case
  when b.id is null then k.permissions
  when json_type(k.permissions) is not 'array' then k.permissions
  when json_type(b.permissions) is not 'array' then b.permissions
  else (select json_group_array(own.value) from json_each(k.permissions) own
    where own.value in (select value from json_each(b.permissions))) end)`;
