CREATE TABLE "data_vectors" (
	"chunk" bigint PRIMARY KEY NOT NULL,
	"index" text NOT NULL,
	"vector" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "data_indexes" ADD COLUMN "revision" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "data_vectors" ADD CONSTRAINT "data_vectors_chunk_data_chunks_id_fk" FOREIGN KEY ("chunk") REFERENCES "public"."data_chunks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_vectors_index_chunk" ON "data_vectors" USING btree ("index","chunk");