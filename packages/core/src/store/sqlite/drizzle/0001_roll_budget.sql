ALTER TABLE `latchkey_keys` ADD `budget_key_id` text;--> statement-breakpoint
CREATE INDEX `latchkey_keys_budget_idx` ON `latchkey_keys` (`budget_key_id`);--> statement-breakpoint
-- Keys rolled before this migration: each spends from the newest key of its chain of rolls.
UPDATE `latchkey_keys` SET `budget_key_id` = (
  WITH RECURSIVE chain(id, next, depth) AS (
    SELECT n.id, n.replaced_by_id, 0 FROM `latchkey_keys` n WHERE n.id = `latchkey_keys`.`replaced_by_id`
    UNION ALL
    SELECT k.id, k.replaced_by_id, chain.depth + 1 FROM `latchkey_keys` k JOIN chain ON k.id = chain.next
    WHERE chain.depth < 64
  ) SELECT id FROM chain WHERE next IS NULL OR depth = 64 LIMIT 1
) WHERE `replaced_by_id` IS NOT NULL;
