import { desc, lt, sql } from 'drizzle-orm';
import { callValues, callsWhere, storedCall } from '../calls-query.ts';
import type { Store } from '../types.ts';
import type { Db } from './db.ts';
import { usageCalls } from './schema.ts';

/** Rows per INSERT: each batch sends one array per column. */
const BATCH = 5000;

/** One row per deployment call, written in batches by each instance's meter. */
export function callsRepo(db: Db): Store['calls'] {
  return {
    record: async (rows) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        const v = rows.slice(i, i + BATCH).map(callValues);
        // One bound parameter per column (a bare array would be spread into a list of parameters).
        const col = <K extends keyof (typeof v)[number]>(k: K) => sql.param(v.map((r) => r[k]));
        // A statement of the same shape whatever the batch's size: a column of values per parameter, unnested into rows.
        await db.execute(sql`
          insert into usage_calls (id, at, deployment, kind, key_id, model, prompt_tokens, completion_tokens, cost, latency_ms, status, filtered)
          select * from unnest(${col('id')}::text[], ${col('at')}::int8[], ${col('deployment')}::text[], ${col('kind')}::text[], ${col('keyId')}::text[],
            ${col('model')}::text[], ${col('promptTokens')}::int8[], ${col('completionTokens')}::int8[], ${col('cost')}::float8[],
            ${col('latencyMs')}::int8[], ${col('status')}::int4[], ${col('filtered')}::text[])`);
      }
    },
    list: async (f) => (await db.select().from(usageCalls).where(callsWhere(usageCalls, f)).orderBy(desc(usageCalls.at), desc(usageCalls.seq)).limit(f.limit)).map(storedCall),
    prune: async (beforeMs) => (await db.delete(usageCalls).where(lt(usageCalls.at, beforeMs))).rowCount ?? 0,
  };
}
