ALTER TABLE "deployment_keys" ADD COLUMN "rpm" bigint;--> statement-breakpoint
ALTER TABLE "shared_keys" ADD COLUMN "rpm" bigint;