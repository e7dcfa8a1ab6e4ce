import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { usageRow } from '../shared.ts';
import { bytewise, type Db } from './db.ts';
import { usageRecords } from './schema.ts';
import type { Store } from '../types.ts';

const MINUTE_MS = 60_000;
const count = (n: number | undefined): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0);

/**
 * Usage per deployment, key and minute; every call adds to its minute's row in one upsert, which
 * Postgres applies atomically, so instances recording the same minute at once add up, never overwrite.
 */
export function usageRepo(db: Db): Store['usage'] {
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
        requests: sql`"usage_records"."requests" + excluded."requests"`,
        promptTokens: sql`"usage_records"."prompt_tokens" + excluded."prompt_tokens"`,
        completionTokens: sql`"usage_records"."completion_tokens" + excluded."completion_tokens"`,
        cost: sql`"usage_records"."cost" + excluded."cost"`,
      },
    })
    .prepare('weir_usage_add');

  return {
    record: async (deployment, keyId, usage, at = Date.now(), requests = 1) => {
      await add.execute({
        requests,
        deployment,
        keyId: keyId ?? '',
        minute: Math.floor(at / MINUTE_MS),
        promptTokens: Math.round(count(usage?.prompt_tokens)),
        completionTokens: Math.round(count(usage?.completion_tokens)),
        cost: count(usage?.cost),
      });
    },
    list: async (deployment, sinceMinute) =>
      (
        await db
          .select()
          .from(usageRecords)
          .where(and(eq(usageRecords.deployment, deployment), sinceMinute === undefined ? undefined : gte(usageRecords.minute, sinceMinute)))
          .orderBy(asc(usageRecords.minute), asc(bytewise(usageRecords.keyId)))
      ).map((r) => {
        const { deployment: _d, ...row } = usageRow(r);
        return row;
      }),
    query: async (f) =>
      (
        await db
          .select()
          .from(usageRecords)
          .where(
            and(
              gte(usageRecords.minute, f.fromMinute),
              lt(usageRecords.minute, f.toMinute),
              f.deployment === undefined ? undefined : eq(usageRecords.deployment, f.deployment),
              f.keyId === undefined ? undefined : eq(usageRecords.keyId, f.keyId ?? ''),
            ),
          )
          .orderBy(asc(usageRecords.minute), asc(bytewise(usageRecords.deployment)), asc(bytewise(usageRecords.keyId)))
      ).map(usageRow),
  };
}
