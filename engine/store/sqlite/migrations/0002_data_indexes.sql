CREATE TABLE `data_chunks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`index` text NOT NULL,
	`document` integer NOT NULL,
	`idx` integer NOT NULL,
	`text` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`heading_path` text NOT NULL,
	`page` integer,
	`start` integer NOT NULL,
	`end` integer NOT NULL,
	`tokens` integer NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`document`) REFERENCES `data_documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `data_chunks_document` ON `data_chunks` (`document`,`idx`);--> statement-breakpoint
CREATE INDEX `data_chunks_index_hash` ON `data_chunks` (`index`,`hash`);--> statement-breakpoint
CREATE TABLE `data_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`index` text NOT NULL,
	`name` text NOT NULL,
	`format` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`hash` text NOT NULL,
	`bytes` integer NOT NULL,
	`chunks` integer DEFAULT 0 NOT NULL,
	`added_at` integer NOT NULL,
	FOREIGN KEY (`index`) REFERENCES `data_indexes`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `data_documents_index_name` ON `data_documents` (`index`,`name`);--> statement-breakpoint
CREATE TABLE `data_indexes` (
	`name` text PRIMARY KEY NOT NULL,
	`embedding_model` text NOT NULL,
	`dims` integer NOT NULL,
	`chunk_tokens` integer NOT NULL,
	`overlap_tokens` integer NOT NULL,
	`created_at` integer NOT NULL,
	`built_at` integer
);
