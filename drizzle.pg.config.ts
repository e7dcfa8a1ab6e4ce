import { defineConfig } from 'drizzle-kit';

// Postgres (WEIR_DATABASE_URL=postgres://…); the embedded SQLite store has drizzle.sqlite.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './engine/store/postgres/schema.ts',
  out: './engine/store/postgres/migrations',
});
