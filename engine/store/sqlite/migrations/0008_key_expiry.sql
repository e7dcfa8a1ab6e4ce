ALTER TABLE `deployment_keys` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `deployment_keys` ADD `last_used_at` integer;