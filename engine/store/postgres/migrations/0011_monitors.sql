CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"deployment" text NOT NULL,
	"evaluator" text NOT NULL,
	"metric" text NOT NULL,
	"value" double precision NOT NULL,
	"threshold" double precision NOT NULL,
	"samples" bigint NOT NULL,
	"window_ms" bigint NOT NULL,
	"at" bigint NOT NULL,
	"delivery" text
);
--> statement-breakpoint
CREATE TABLE "monitor_scores" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"deployment" text NOT NULL,
	"call_id" text NOT NULL,
	"evaluator" text NOT NULL,
	"score" double precision,
	"passed" boolean,
	"error" text,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitors" (
	"deployment" text PRIMARY KEY NOT NULL,
	"body" jsonb NOT NULL,
	"checked_at" bigint,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "alerts_at" ON "alerts" USING btree ("at");--> statement-breakpoint
CREATE INDEX "alerts_deployment_at" ON "alerts" USING btree ("deployment","at");--> statement-breakpoint
CREATE INDEX "monitor_scores_deployment_at" ON "monitor_scores" USING btree ("deployment","evaluator","at");