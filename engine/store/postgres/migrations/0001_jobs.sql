CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"payload" json,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"owner" text,
	"lease_until" bigint,
	"run_after" bigint NOT NULL,
	"timeout_ms" bigint NOT NULL,
	"result" json,
	"error" json,
	"created_at" bigint NOT NULL,
	"started_at" bigint,
	"finished_at" bigint
);
--> statement-breakpoint
CREATE INDEX "jobs_queue_status_run_after" ON "jobs" USING btree ("queue","status","run_after");--> statement-breakpoint
CREATE INDEX "jobs_status_lease_until" ON "jobs" USING btree ("status","lease_until");