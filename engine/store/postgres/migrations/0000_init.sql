CREATE TABLE "connections" (
	"name" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"settings" jsonb NOT NULL,
	"secret_names" jsonb NOT NULL,
	"secrets" "bytea",
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_chunks" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "data_chunks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"index" text NOT NULL,
	"document" bigint NOT NULL,
	"idx" integer NOT NULL,
	"text" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"heading_path" jsonb NOT NULL,
	"page" integer,
	"start" integer NOT NULL,
	"end" integer NOT NULL,
	"tokens" integer NOT NULL,
	"hash" text NOT NULL,
	"metadata" json,
	"tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('english'::regconfig, "title") || to_tsvector('english'::regconfig, "text")) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_documents" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "data_documents_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"index" text NOT NULL,
	"name" text NOT NULL,
	"format" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"hash" text NOT NULL,
	"bytes" bigint NOT NULL,
	"chunks" integer DEFAULT 0 NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"added_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_indexes" (
	"name" text PRIMARY KEY NOT NULL,
	"embedding_model" text NOT NULL,
	"dims" integer NOT NULL,
	"chunk_tokens" integer NOT NULL,
	"overlap_tokens" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"built_at" bigint
);
--> statement-breakpoint
CREATE TABLE "data_job_files" (
	"job" text NOT NULL,
	"seq" integer NOT NULL,
	"name" text NOT NULL,
	"hash" text NOT NULL,
	"bytes" bigint NOT NULL,
	"status" text NOT NULL,
	"chunks" integer,
	"error_code" text,
	"error_message" text,
	CONSTRAINT "data_job_files_job_seq_pk" PRIMARY KEY("job","seq")
);
--> statement-breakpoint
CREATE TABLE "data_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"index" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"options" jsonb NOT NULL,
	"error" text,
	"created_at" bigint NOT NULL,
	"started_at" bigint,
	"finished_at" bigint,
	"heartbeat_at" bigint
);
--> statement-breakpoint
CREATE TABLE "deployment_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"deployment" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"name" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"flow" text,
	"model" text,
	"options" jsonb,
	"traffic" jsonb NOT NULL,
	"trace_sample_rate" double precision DEFAULT 1 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flow_versions" (
	"flow" text NOT NULL,
	"number" integer NOT NULL,
	"hash" text NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"author" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"definition" json NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flows" (
	"name" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"format" text NOT NULL,
	"definition" json NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"entry" jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "node_traces" (
	"run_id" text NOT NULL,
	"idx" integer NOT NULL,
	"node" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"start_ms" double precision,
	"end_ms" double precision,
	"attempts" integer DEFAULT 0 NOT NULL,
	"inputs" json,
	"output" json,
	"error" json,
	"skip_reason" text,
	"usage" json,
	CONSTRAINT "node_traces_run_id_idx_pk" PRIMARY KEY("run_id","idx")
);
--> statement-breakpoint
CREATE TABLE "run_events" (
	"run_id" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"data" json,
	CONSTRAINT "run_events_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"flow" text NOT NULL,
	"version" integer,
	"deployment" text,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"inputs" json,
	"outputs" json,
	"error" json,
	"usage" json,
	"started_at" bigint NOT NULL,
	"ended_at" bigint,
	"duration_ms" double precision
);
--> statement-breakpoint
CREATE TABLE "usage_records" (
	"deployment" text NOT NULL,
	"key_id" text DEFAULT '' NOT NULL,
	"minute" bigint NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"cost" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_records_deployment_key_id_minute_pk" PRIMARY KEY("deployment","key_id","minute")
);
--> statement-breakpoint
ALTER TABLE "data_chunks" ADD CONSTRAINT "data_chunks_document_data_documents_id_fk" FOREIGN KEY ("document") REFERENCES "public"."data_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_documents" ADD CONSTRAINT "data_documents_index_data_indexes_name_fk" FOREIGN KEY ("index") REFERENCES "public"."data_indexes"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_job_files" ADD CONSTRAINT "data_job_files_job_data_jobs_id_fk" FOREIGN KEY ("job") REFERENCES "public"."data_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_jobs" ADD CONSTRAINT "data_jobs_index_data_indexes_name_fk" FOREIGN KEY ("index") REFERENCES "public"."data_indexes"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_keys" ADD CONSTRAINT "deployment_keys_deployment_deployments_name_fk" FOREIGN KEY ("deployment") REFERENCES "public"."deployments"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "node_traces" ADD CONSTRAINT "node_traces_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_chunks_document" ON "data_chunks" USING btree ("document","idx");--> statement-breakpoint
CREATE INDEX "data_chunks_index_hash" ON "data_chunks" USING btree ("index","hash");--> statement-breakpoint
CREATE INDEX "data_chunks_tsv" ON "data_chunks" USING gin ("tsv");--> statement-breakpoint
CREATE UNIQUE INDEX "data_documents_index_name" ON "data_documents" USING btree ("index","name");--> statement-breakpoint
CREATE INDEX "data_jobs_index" ON "data_jobs" USING btree ("index","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "deployment_keys_hash" ON "deployment_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "deployment_keys_deployment" ON "deployment_keys" USING btree ("deployment");--> statement-breakpoint
CREATE UNIQUE INDEX "flow_versions_flow_number" ON "flow_versions" USING btree ("flow","number");--> statement-breakpoint
CREATE INDEX "flow_versions_flow_hash" ON "flow_versions" USING btree ("flow","hash");--> statement-breakpoint
CREATE INDEX "runs_started" ON "runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "runs_flow_started" ON "runs" USING btree ("flow","started_at");--> statement-breakpoint
CREATE INDEX "runs_deployment_started" ON "runs" USING btree ("deployment","started_at");--> statement-breakpoint
CREATE INDEX "runs_status_started" ON "runs" USING btree ("status","started_at");