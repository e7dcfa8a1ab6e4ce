CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`entry` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `deployments` ADD `model` text;--> statement-breakpoint
ALTER TABLE `deployments` ADD `options` text;