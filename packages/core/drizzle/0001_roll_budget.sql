ALTER TABLE `latchkey_keys` ADD `budget_key_id` text;--> statement-breakpoint
CREATE INDEX `latchkey_keys_budget_idx` ON `latchkey_keys` (`budget_key_id`);