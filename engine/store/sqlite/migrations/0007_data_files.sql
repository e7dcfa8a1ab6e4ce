CREATE TABLE `data_files` (
	`index` text NOT NULL,
	`hash` text NOT NULL,
	`bytes` blob NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`index`, `hash`),
	FOREIGN KEY (`index`) REFERENCES `data_indexes`(`name`) ON UPDATE no action ON DELETE cascade
);
