/** What every Postgres repository shares: the handles, error codes, advisory locks and byte-order sorting. */
import { DrizzleQueryError, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';

/** The drizzle handle every repository receives (over the store's pool). */
export type Db = NodePgDatabase;
export type Pool = pg.Pool;

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

/** The SQLSTATE of a Postgres error (e.g. 23505), looking through drizzle's wrapper. */
export function pgCode(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Errors that say nothing about the data, only that the server or the connection is away for now
 * (connection lost, server shutting down or starting, too many connections, serialization and deadlock).
 */
export function isTransient(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300', '40001', '40P01'].includes(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  }
  return err instanceof Error && /Connection terminated|timeout exceeded when trying to connect/i.test(err.message);
}

/**
 * Advisory lock classes (the first key of pg_advisory_[xact_]lock(int, int)); the second key is 0 or
 * hashtext() of a name. 0x57454952 is "WEIR": far from what other applications on the database use.
 */
export const LOCK = {
  migrate: 0x57454952,
  versions: 0x57454953,
  connections: 0x57454954,
} as const;

/** Takes a transaction-scoped advisory lock on `name` in lock class `cls` (released at commit or rollback). */
export function xactLock(cls: number, name: string): SQL {
  return sql`select pg_advisory_xact_lock(${sql.raw(String(cls))}, hashtext(${name}::text))`;
}

/** Sorts text byte-wise (code points), as SQLite does, whatever the database's collation. */
export function bytewise(col: SQLWrapper): SQL {
  return sql`${col} collate "C"`;
}

/**
 * drizzle wraps driver errors in a DrizzleQueryError whose message is the SQL and its parameters;
 * callers get the driver's error itself (as from the SQLite store), which names the constraint.
 */
export function unwrapped<T extends object>(repo: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(repo)) {
    out[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            const result = value(...args);
            return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(unwrapError(err))) : result;
          }
        : value;
  }
  return out as T;
}

export function unwrapError(err: unknown): unknown {
  return err instanceof DrizzleQueryError && err.cause instanceof Error ? err.cause : err;
}
