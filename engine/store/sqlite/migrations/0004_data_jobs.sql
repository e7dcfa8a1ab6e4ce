CREATE TABLE `data_job_files` (
	`job` text NOT NULL,
	`seq` integer NOT NULL,
	`name` text NOT NULL,
	`hash` text NOT NULL,
	`bytes` integer NOT NULL,
	`status` text NOT NULL,
	`chunks` integer,
	`error_code` text,
	`error_message` text,
	PRIMARY KEY(`job`, `seq`),
	FOREIGN KEY (`job`) REFERENCES `data_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `data_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`index` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`options` text NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`heartbeat_at` integer,
	FOREIGN KEY (`index`) REFERENCES `data_indexes`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `data_jobs_index` ON `data_jobs` (`index`,`created_at`);--> statement-breakpoint
ALTER TABLE `data_chunks` ADD `metadata` text;--> statement-breakpoint
ALTER TABLE `data_documents` ADD `tags` text DEFAULT '[]' NOT NULL;