ALTER TABLE `deployment_keys` ADD `rpm` integer;--> statement-breakpoint
ALTER TABLE `shared_keys` ADD `rpm` integer;