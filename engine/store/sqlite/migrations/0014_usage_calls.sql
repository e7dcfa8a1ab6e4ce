CREATE TABLE `usage_calls` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`at` integer NOT NULL,
	`deployment` text NOT NULL,
	`kind` text NOT NULL,
	`key_id` text,
	`model` text,
	`prompt_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`cost` real NOT NULL,
	`latency_ms` integer NOT NULL,
	`status` integer NOT NULL,
	`filtered` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `usage_calls_at` ON `usage_calls` (`at`,`seq`);--> statement-breakpoint
CREATE INDEX `usage_calls_deployment_at` ON `usage_calls` (`deployment`,`at`);