CREATE TABLE `batch_lines` (
	`batch_id` text NOT NULL,
	`line_number` integer NOT NULL,
	`status` text NOT NULL,
	`data` text NOT NULL,
	`inputs` text,
	`outputs` text,
	`error` text,
	`duration_ms` real,
	`usage` text,
	`aggregation_inputs` text,
	PRIMARY KEY(`batch_id`, `line_number`)
);
--> statement-breakpoint
CREATE TABLE `batch_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`flow` text NOT NULL,
	`version` integer,
	`status` text NOT NULL,
	`column_mapping` text NOT NULL,
	`earlier_run` text,
	`concurrency` integer NOT NULL,
	`total` integer NOT NULL,
	`succeeded` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`metrics` text NOT NULL,
	`aggregation` text,
	`error` text,
	`usage` text NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`duration_ms` real
);
--> statement-breakpoint
CREATE INDEX `batch_runs_created` ON `batch_runs` (`created_at`);