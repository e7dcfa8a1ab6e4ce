CREATE TABLE `quota_pools` (
	`model` text PRIMARY KEY NOT NULL,
	`tpm` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `deployment_keys` ADD `tpm` integer;--> statement-breakpoint
ALTER TABLE `shared_keys` ADD `tpm` integer;