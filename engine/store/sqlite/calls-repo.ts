import { desc, lt } from 'drizzle-orm';
import { callValues, callsWhere, storedCall } from '../calls-query.ts';
import type { Store } from '../types.ts';
import type { Sync } from './async.ts';
import type { Db } from './db.ts';
import { usageCalls } from './schema.ts';

/** Rows per INSERT: SQLite allows 32 766 bound values, a call row has 13. */
const BATCH = 500;

/** One row per deployment call, written in batches by the gateway's meter. */
export function callsRepo(db: Db): Sync<Store['calls']> {
  return {
    record: (rows) => {
      db.transaction((tx) => {
        for (let i = 0; i < rows.length; i += BATCH) tx.insert(usageCalls).values(rows.slice(i, i + BATCH).map(callValues)).run();
      });
    },
    list: (f) => db.select().from(usageCalls).where(callsWhere(usageCalls, f)).orderBy(desc(usageCalls.at), desc(usageCalls.seq)).limit(f.limit).all().map(storedCall),
    prune: (beforeMs) => db.delete(usageCalls).where(lt(usageCalls.at, beforeMs)).run().changes,
  };
}
