CREATE TABLE "batch_lines" (
	"batch_id" text NOT NULL,
	"line_number" integer NOT NULL,
	"status" text NOT NULL,
	"data" json NOT NULL,
	"inputs" json,
	"outputs" json,
	"error" json,
	"duration_ms" double precision,
	"usage" jsonb,
	"aggregation_inputs" json,
	CONSTRAINT "batch_lines_batch_id_line_number_pk" PRIMARY KEY("batch_id","line_number")
);
--> statement-breakpoint
CREATE TABLE "batch_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"flow" text NOT NULL,
	"version" integer,
	"status" text NOT NULL,
	"column_mapping" json NOT NULL,
	"earlier_run" text,
	"concurrency" integer NOT NULL,
	"total" integer NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"metrics" json NOT NULL,
	"aggregation" json,
	"error" json,
	"usage" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"started_at" bigint,
	"finished_at" bigint,
	"duration_ms" double precision
);
--> statement-breakpoint
CREATE INDEX "batch_runs_created" ON "batch_runs" USING btree ("created_at");