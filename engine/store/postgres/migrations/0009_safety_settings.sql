CREATE TABLE "safety_settings" (
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"body" jsonb NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "safety_settings_kind_name_pk" PRIMARY KEY("kind","name")
);
