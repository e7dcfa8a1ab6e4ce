import { desc, lt } from 'drizzle-orm';
import { callValues, callsWhere, storedCall } from '../calls-query.ts';
import type { Store } from '../types.ts';
import type { Db } from './db.ts';
import { usageCalls } from './schema.ts';

/** Rows per INSERT: Postgres allows 65 535 bound values, a call row has 13. */
const BATCH = 1000;

/** One row per deployment call, written in batches by each instance's meter. */
export function callsRepo(db: Db): Store['calls'] {
  return {
    record: async (rows) => {
      for (let i = 0; i < rows.length; i += BATCH) await db.insert(usageCalls).values(rows.slice(i, i + BATCH).map(callValues));
    },
    list: async (f) => (await db.select().from(usageCalls).where(callsWhere(usageCalls, f)).orderBy(desc(usageCalls.at), desc(usageCalls.seq)).limit(f.limit)).map(storedCall),
    prune: async (beforeMs) => (await db.delete(usageCalls).where(lt(usageCalls.at, beforeMs))).rowCount ?? 0,
  };
}
