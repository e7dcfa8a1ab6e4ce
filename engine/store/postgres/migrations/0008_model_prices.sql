CREATE TABLE "model_prices" (
	"model" text NOT NULL,
	"effective_from" bigint NOT NULL,
	"input_per_1k" double precision,
	"output_per_1k" double precision,
	"per_hour" double precision,
	CONSTRAINT "model_prices_model_effective_from_pk" PRIMARY KEY("model","effective_from")
);
