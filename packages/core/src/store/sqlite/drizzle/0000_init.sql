CREATE TABLE `latchkey_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`start` text NOT NULL,
	`last4` text NOT NULL,
	`name` text NOT NULL,
	`consumer_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`permissions` text NOT NULL,
	`metadata` text NOT NULL,
	`enabled` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`revoked_reason` text,
	`last_used_at` integer,
	`rolled_from_id` text,
	`replaced_by_id` text,
	`rate_limits` text DEFAULT '[]' NOT NULL,
	`remaining` integer,
	`refill_amount` integer,
	`refill_interval_ms` integer,
	`last_refill_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `latchkey_keys_hash_idx` ON `latchkey_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `latchkey_keys_consumer_created_idx` ON `latchkey_keys` (`consumer_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `latchkey_keys_owner_idx` ON `latchkey_keys` (`owner_id`);--> statement-breakpoint
CREATE TABLE `latchkey_audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`consumer_id` text NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`at` integer NOT NULL,
	`details` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `latchkey_audit_consumer_at_idx` ON `latchkey_audit_events` (`consumer_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `latchkey_audit_key_at_idx` ON `latchkey_audit_events` (`key_id`,`at`,`id`);--> statement-breakpoint
CREATE TABLE `latchkey_usage` (
	`key_id` text NOT NULL,
	`consumer_id` text NOT NULL,
	`day` text NOT NULL,
	`code` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`key_id`, `day`, `code`)
);
