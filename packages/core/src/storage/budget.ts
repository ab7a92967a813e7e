/**
 * A column of a key as verification and its record must see it, in SQL over a row aliased `k`:
 * the key's own, or once rolled, its budget key's (the newest key of its rolls), so that a key in
 * its grace period is limited exactly as the key that replaced it is. For `remaining` and the
 * refill columns. The key's own if the budget key was deleted other than by `purge` (which keeps
 * it while a key spends from it); its spends are then refused, as they find no budget.
 */
export function budgetColumn(column: 'remaining' | BudgetRefillColumn): string {
  return `(case
  when k.budget_key_id is null then k.${column}
  when exists (select 1 from latchkey_keys b where b.id = k.budget_key_id)
    then (select b.${column} from latchkey_keys b where b.id = k.budget_key_id)
  else k.${column}
end)`;
}

type BudgetRefillColumn = 'refill_amount' | 'refill_interval_ms' | 'last_refill_at';
