CREATE TABLE `data_vectors` (
	`chunk` integer PRIMARY KEY NOT NULL,
	`index` text NOT NULL,
	`vector` blob NOT NULL,
	FOREIGN KEY (`chunk`) REFERENCES `data_chunks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `data_vectors_index_chunk` ON `data_vectors` (`index`,`chunk`);--> statement-breakpoint
ALTER TABLE `data_indexes` ADD `revision` integer DEFAULT 0 NOT NULL;