CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`deployment` text NOT NULL,
	`evaluator` text NOT NULL,
	`metric` text NOT NULL,
	`value` real NOT NULL,
	`threshold` real NOT NULL,
	`samples` integer NOT NULL,
	`window_ms` integer NOT NULL,
	`at` integer NOT NULL,
	`delivery` text
);
--> statement-breakpoint
CREATE INDEX `alerts_at` ON `alerts` (`at`);--> statement-breakpoint
CREATE INDEX `alerts_deployment_at` ON `alerts` (`deployment`,`at`);--> statement-breakpoint
CREATE TABLE `monitor_scores` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`deployment` text NOT NULL,
	`call_id` text NOT NULL,
	`evaluator` text NOT NULL,
	`score` real,
	`passed` integer,
	`error` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `monitor_scores_deployment_at` ON `monitor_scores` (`deployment`,`evaluator`,`at`);--> statement-breakpoint
CREATE TABLE `monitors` (
	`deployment` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`checked_at` integer,
	`updated_at` integer NOT NULL
);
