ALTER TABLE "deployment_keys" ADD COLUMN "expires_at" bigint;--> statement-breakpoint
ALTER TABLE "deployment_keys" ADD COLUMN "last_used_at" bigint;