/**
 * What both stores share about call rows (usage records): how a filter becomes a WHERE clause and
 * how rows map to and from the table, so SQLite and Postgres list the same calls in the same order.
 */
import { and, eq, gte, isNull, like, lt, ne, or, type Column, type SQL } from 'drizzle-orm';
import type { CallFilter, CallRow, StoredCall } from './types.ts';

/** The columns a call filter reads, as both schemas name them. */
export interface CallColumns {
  seq: Column;
  at: Column;
  deployment: Column;
  keyId: Column;
  model: Column;
  status: Column;
  filtered: Column;
}

/** Newest first: (at, seq) descending, `before` the last row of the previous page. */
export function callsWhere(t: CallColumns, f: CallFilter): SQL | undefined {
  return and(
    gte(t.at, f.from),
    lt(t.at, f.to),
    f.deployment === undefined ? undefined : eq(t.deployment, f.deployment),
    f.keyId === undefined ? undefined : f.keyId === null ? isNull(t.keyId) : eq(t.keyId, f.keyId),
    f.model === undefined ? undefined : eq(t.model, f.model),
    f.status === undefined ? undefined : eq(t.status, f.status),
    f.filtered === undefined ? undefined : f.filtered ? ne(t.filtered, '') : eq(t.filtered, ''),
    // Parts are a closed set of words none of which contains another after the colon.
    f.part === undefined ? undefined : like(t.filtered, `%:${f.part}%`),
    f.before === undefined ? undefined : or(lt(t.at, f.before.at), and(eq(t.at, f.before.at), lt(t.seq, f.before.seq))),
  );
}

const whole = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.round(n) : 0);

export function callValues(r: CallRow) {
  return {
    id: r.id, at: r.at, deployment: r.deployment, kind: r.kind, keyId: r.keyId, model: r.model,
    promptTokens: whole(r.promptTokens), completionTokens: whole(r.completionTokens),
    cost: Number.isFinite(r.cost) && r.cost > 0 ? r.cost : 0,
    latencyMs: whole(r.latencyMs), status: r.status, filtered: r.filtered.join(','),
  };
}

export function storedCall(r: ReturnType<typeof callValues> & { seq: number }): StoredCall {
  return { ...r, filtered: r.filtered ? r.filtered.split(',') : [] };
}
