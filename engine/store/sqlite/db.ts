import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';

/** The database handle every repository receives. */
export type Db = BetterSQLite3Database;

/** Write transactions take the lock up front so concurrent writers wait (busy_timeout) instead of failing. */
export const IMMEDIATE = { behavior: 'immediate' } as const;

/** better-sqlite3's extended result code (e.g. SQLITE_CONSTRAINT_UNIQUE), if the error has one. */
export function sqliteCode(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  }
  return undefined;
}
