/**
 * A key's `remaining` as verification must see it, in SQL over a row aliased `k`: its own, or once
 * rolled, its budget key's (the newest key of its rolls), so that a key in its grace period is
 * limited exactly when the key that replaced it is. Its own when the budget key is gone.
 */
export const BUDGET_REMAINING = `(case
  when k.budget_key_id is null then k.remaining
  when exists (select 1 from latchkey_keys b where b.id = k.budget_key_id)
    then (select b.remaining from latchkey_keys b where b.id = k.budget_key_id)
  else k.remaining
end)`;
