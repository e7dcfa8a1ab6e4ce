CREATE TABLE "data_files" (
	"index" text NOT NULL,
	"hash" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "data_files_index_hash_pk" PRIMARY KEY("index","hash")
);
--> statement-breakpoint
ALTER TABLE "data_files" ADD CONSTRAINT "data_files_index_data_indexes_name_fk" FOREIGN KEY ("index") REFERENCES "public"."data_indexes"("name") ON DELETE cascade ON UPDATE no action;