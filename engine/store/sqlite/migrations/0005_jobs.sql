CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`payload` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`owner` text,
	`lease_until` integer,
	`run_after` integer NOT NULL,
	`timeout_ms` integer NOT NULL,
	`result` text,
	`error` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_queue_status_run_after` ON `jobs` (`queue`,`status`,`run_after`);--> statement-breakpoint
CREATE INDEX `jobs_status_lease_until` ON `jobs` (`status`,`lease_until`);