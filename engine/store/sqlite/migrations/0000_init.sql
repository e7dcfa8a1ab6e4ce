CREATE TABLE `connections` (
	`name` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`settings` text NOT NULL,
	`secret_names` text NOT NULL,
	`secrets` blob,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `deployment_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`deployment` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`deployment`) REFERENCES `deployments`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deployment_keys_hash` ON `deployment_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `deployment_keys_deployment` ON `deployment_keys` (`deployment`);--> statement-breakpoint
CREATE TABLE `deployments` (
	`name` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`flow` text,
	`traffic` text NOT NULL,
	`trace_sample_rate` real DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `flow_versions` (
	`flow` text NOT NULL,
	`number` integer NOT NULL,
	`hash` text NOT NULL,
	`message` text DEFAULT '' NOT NULL,
	`author` text DEFAULT '' NOT NULL,
	`source` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `flow_versions_flow_number` ON `flow_versions` (`flow`,`number`);--> statement-breakpoint
CREATE INDEX `flow_versions_flow_hash` ON `flow_versions` (`flow`,`hash`);--> statement-breakpoint
CREATE TABLE `flows` (
	`name` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`format` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `node_traces` (
	`run_id` text NOT NULL,
	`idx` integer NOT NULL,
	`node` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`start_ms` real,
	`end_ms` real,
	`attempts` integer DEFAULT 0 NOT NULL,
	`inputs` text,
	`output` text,
	`error` text,
	`skip_reason` text,
	`usage` text,
	PRIMARY KEY(`run_id`, `idx`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `run_events` (
	`run_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`data` text,
	PRIMARY KEY(`run_id`, `seq`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`flow` text NOT NULL,
	`version` integer,
	`deployment` text,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`inputs` text,
	`outputs` text,
	`error` text,
	`usage` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`duration_ms` real
);
--> statement-breakpoint
CREATE INDEX `runs_started` ON `runs` (`started_at`);--> statement-breakpoint
CREATE INDEX `runs_flow_started` ON `runs` (`flow`,`started_at`);--> statement-breakpoint
CREATE INDEX `runs_deployment_started` ON `runs` (`deployment`,`started_at`);--> statement-breakpoint
CREATE INDEX `runs_status_started` ON `runs` (`status`,`started_at`);--> statement-breakpoint
CREATE TABLE `usage_records` (
	`deployment` text NOT NULL,
	`key_id` text DEFAULT '' NOT NULL,
	`minute` integer NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`cost` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`deployment`, `key_id`, `minute`)
);
