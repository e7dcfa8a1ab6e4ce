CREATE TABLE "web_app_conversations" (
	"id" text PRIMARY KEY NOT NULL,
	"deployment" text NOT NULL,
	"visitor" text NOT NULL,
	"title" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "web_app_feedback" (
	"message_id" text PRIMARY KEY NOT NULL,
	"conversation_id" text NOT NULL,
	"deployment" text NOT NULL,
	"visitor" text NOT NULL,
	"rating" text NOT NULL,
	"comment" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "web_app_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"conversation_id" text NOT NULL,
	"seq" integer NOT NULL,
	"role" text NOT NULL,
	"content" text NOT NULL,
	"citations" json,
	"error" jsonb,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "web_app_conversations_visitor" ON "web_app_conversations" USING btree ("deployment","visitor","updated_at");--> statement-breakpoint
CREATE INDEX "web_app_feedback_deployment" ON "web_app_feedback" USING btree ("deployment","created_at");--> statement-breakpoint
CREATE INDEX "web_app_feedback_conversation" ON "web_app_feedback" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "web_app_messages_conversation" ON "web_app_messages" USING btree ("conversation_id","seq");