import { desc, lt, sql } from 'drizzle-orm';
import { callValues, callsWhere, storedCall } from '../calls-query.ts';
import type { Store } from '../types.ts';
import type { Sync } from './async.ts';
import type { Db } from './db.ts';
import { usageCalls } from './schema.ts';

/** One row per deployment call, written in batches by the gateway's meter. */
export function callsRepo(db: Db): Sync<Store['calls']> {
  const ph = sql.placeholder;
  // One prepared row insert run per call inside one transaction: building a multi-row statement
  // each second cost more than the inserts themselves at thousands of calls a second.
  const insert = db
    .insert(usageCalls)
    .values({
      id: ph('id'), at: ph('at'), deployment: ph('deployment'), kind: ph('kind'), keyId: ph('keyId'), model: ph('model'),
      promptTokens: ph('promptTokens'), completionTokens: ph('completionTokens'), cost: ph('cost'), latencyMs: ph('latencyMs'),
      status: ph('status'), filtered: ph('filtered'),
    })
    .prepare();
  return {
    record: (rows) => {
      db.transaction(() => {
        for (const r of rows) insert.run(callValues(r));
      });
    },
    list: (f) => db.select().from(usageCalls).where(callsWhere(usageCalls, f)).orderBy(desc(usageCalls.at), desc(usageCalls.seq)).limit(f.limit).all().map(storedCall),
    prune: (beforeMs) => db.delete(usageCalls).where(lt(usageCalls.at, beforeMs)).run().changes,
  };
}
