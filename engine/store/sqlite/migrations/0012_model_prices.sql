CREATE TABLE `model_prices` (
	`model` text NOT NULL,
	`effective_from` integer NOT NULL,
	`input_per_1k` real,
	`output_per_1k` real,
	`per_hour` real,
	PRIMARY KEY(`model`, `effective_from`)
);
