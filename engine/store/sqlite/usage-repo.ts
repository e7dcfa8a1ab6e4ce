import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { usageRow } from '../shared.ts';
import type { Db } from './db.ts';
import { usageRecords } from './schema.ts';
import type { Store, UsageFilter } from '../types.ts';
import type { Sync } from './async.ts';

const MINUTE_MS = 60_000;
const count = (n: number | undefined): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0);

/** Usage per deployment, key and minute; every call adds to its minute's row (one upsert, `requests` at once). */
export function usageRepo(db: Db): Sync<Store['usage']> {
  const ph = sql.placeholder;
  const add = db
    .insert(usageRecords)
    .values({
      deployment: ph('deployment'), keyId: ph('keyId'), minute: ph('minute'), requests: ph('requests'),
      promptTokens: ph('promptTokens'), completionTokens: ph('completionTokens'), cost: ph('cost'),
    })
    .onConflictDoUpdate({
      target: [usageRecords.deployment, usageRecords.keyId, usageRecords.minute],
      set: {
        requests: sql`${usageRecords.requests} + excluded.requests`,
        promptTokens: sql`${usageRecords.promptTokens} + excluded.prompt_tokens`,
        completionTokens: sql`${usageRecords.completionTokens} + excluded.completion_tokens`,
        cost: sql`${usageRecords.cost} + excluded.cost`,
      },
    })
    .prepare();

  return {
    record: (deployment, keyId, usage, at = Date.now(), requests = 1) => {
      add.run({
        requests,
        deployment,
        keyId: keyId ?? '',
        minute: Math.floor(at / MINUTE_MS),
        promptTokens: Math.round(count(usage?.prompt_tokens)),
        completionTokens: Math.round(count(usage?.completion_tokens)),
        cost: count(usage?.cost),
      });
    },
    list: (deployment, sinceMinute) =>
      db
        .select()
        .from(usageRecords)
        .where(and(eq(usageRecords.deployment, deployment), sinceMinute === undefined ? undefined : gte(usageRecords.minute, sinceMinute)))
        .orderBy(asc(usageRecords.minute), asc(usageRecords.keyId))
        .all()
        .map((r) => {
        const { deployment: _d, ...row } = usageRow(r);
        return row;
      }),
    query: (f) =>
      db
        .select()
        .from(usageRecords)
        .where(usageWhere(f))
        .orderBy(asc(usageRecords.minute), asc(usageRecords.deployment), asc(usageRecords.keyId))
        .all()
        .map(usageRow),
  };
}

const usageWhere = (f: UsageFilter) =>
  and(
    gte(usageRecords.minute, f.fromMinute),
    lt(usageRecords.minute, f.toMinute),
    f.deployment === undefined ? undefined : eq(usageRecords.deployment, f.deployment),
    f.keyId === undefined ? undefined : eq(usageRecords.keyId, f.keyId ?? ''),
  );

