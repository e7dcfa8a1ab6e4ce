CREATE TABLE "usage_calls" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"at" bigint NOT NULL,
	"deployment" text NOT NULL,
	"kind" text NOT NULL,
	"key_id" text,
	"model" text,
	"prompt_tokens" bigint NOT NULL,
	"completion_tokens" bigint NOT NULL,
	"cost" double precision NOT NULL,
	"latency_ms" bigint NOT NULL,
	"status" integer NOT NULL,
	"filtered" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "usage_calls_at" ON "usage_calls" USING btree ("at","seq");--> statement-breakpoint
CREATE INDEX "usage_calls_deployment_at" ON "usage_calls" USING btree ("deployment","at");