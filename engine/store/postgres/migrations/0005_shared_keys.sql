CREATE TABLE "shared_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"deployments" jsonb,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint,
	"expires_at" bigint,
	"last_used_at" bigint
);
--> statement-breakpoint
CREATE UNIQUE INDEX "shared_keys_hash" ON "shared_keys" USING btree ("hash");