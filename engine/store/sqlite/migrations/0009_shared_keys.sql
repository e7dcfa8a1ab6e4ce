CREATE TABLE `shared_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`deployments` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`expires_at` integer,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shared_keys_hash` ON `shared_keys` (`hash`);