CREATE TABLE "quota_pools" (
	"model" text PRIMARY KEY NOT NULL,
	"tpm" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deployment_keys" ADD COLUMN "tpm" bigint;--> statement-breakpoint
ALTER TABLE "shared_keys" ADD COLUMN "tpm" bigint;