import { type SQL, and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import { bytewise, type Db, type Pool } from './db.ts';
import { inTransaction, json, RunWriter, val, writeRuns } from './run-writer.ts';
import { nodeTraces, runEvents, runs, type NodeTraceRecord, type RunRecord } from './schema.ts';
import { INTERRUPTED_ERROR } from '../shared.ts';
import type { NodeTraceRow, RunRow, Store } from '../types.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

const toRun = (r: RunRecord): RunRow => r as RunRow;
const toTrace = (r: NodeTraceRecord): NodeTraceRow => r as NodeTraceRow;

// Every event of a call in one statement whatever their number; a (run, seq) already stored is skipped.
const INSERT_EVENTS = `
  INSERT INTO run_events (run_id, seq, type, data)
  SELECT run_id, seq, type, data::json FROM json_to_recordset($1::json) AS e(run_id text, seq int4, type text, data text)
  ON CONFLICT DO NOTHING`;

type StoreRuns = Store['runs'];

export interface RunsRepo extends StoreRuns {
  /** The group-commit writer behind `enqueue`, exposed for tests and shutdown. */
  readonly writer: RunWriter;
  close(): Promise<void>;
}

export function runsRepo(db: Db, pool: Pool, batchMs = 5): RunsRepo {
  const writer = new RunWriter(pool, batchMs);
  const byId = db.select().from(runs).where(eq(runs.id, sql.placeholder('id'))).prepare('weir_run_by_id');
  const traceOf = db.select().from(nodeTraces).where(eq(nodeTraces.runId, sql.placeholder('id'))).orderBy(asc(nodeTraces.idx)).prepare('weir_trace_of_run');

  return {
    writer,
    start: async (run) => {
      const client = await pool.connect();
      try {
        await writeRuns(client, [{ run }]);
      } finally {
        client.release();
      }
    },
    // One transaction: a reader (or a crash) sees the run before or after, with all its trace or none.
    finish: (done) => inTransaction(pool, (client) => writeRuns(client, [done], true)),
    enqueue: (done) => writer.enqueue(done),
    flush: () => writer.flush(),
    get: async (id) => {
      const [r] = await byId.execute({ id });
      return r && toRun(r);
    },
    trace: async (id) => (await traceOf.execute({ id })).map(toTrace),
    list: async (filter) => {
      const where: SQL[] = [];
      if (filter.flow !== undefined) where.push(eq(runs.flow, filter.flow));
      if (filter.deployment !== undefined) where.push(eq(runs.deployment, filter.deployment));
      if (filter.status !== undefined) where.push(eq(runs.status, filter.status));
      if (filter.before !== undefined) {
        const earlier = lt(runs.startedAt, filter.before);
        where.push(filter.beforeId === undefined ? earlier : or(earlier, and(eq(runs.startedAt, filter.before), lt(bytewise(runs.id), filter.beforeId)))!);
      }
      const asked = filter.limit !== undefined && Number.isFinite(filter.limit) ? Math.trunc(filter.limit) : DEFAULT_LIMIT;
      const limit = Math.min(Math.max(asked, 1), MAX_LIMIT);
      const rows = await db
        .select()
        .from(runs)
        .where(and(...where))
        .orderBy(desc(runs.startedAt), desc(bytewise(runs.id)))
        .limit(limit);
      return rows.map(toRun);
    },
    markInterrupted: async (ids) => {
      if (ids?.length === 0) return 0;
      const now = Date.now();
      const unfinished = inArray(runs.status, ['queued', 'running']);
      const result = await db
        .update(runs)
        .set({ status: 'interrupted', endedAt: now, error: INTERRUPTED_ERROR })
        .where(ids ? and(unfinished, inArray(runs.id, ids)) : unfinished);
      return result.rowCount ?? 0;
    },
    appendEvents: async (events) => {
      if (events.length === 0) return;
      await pool.query({
        name: 'weir_insert_events',
        text: INSERT_EVENTS,
        values: [`[${events.map((e) => `{"run_id":${val(e.runId)},"seq":${val(e.seq)},"type":${val(e.type)},"data":${json(e.data)}}`).join(',')}]`],
      });
    },
    events: async (runId, afterSeq) =>
      db
        .select()
        .from(runEvents)
        .where(and(eq(runEvents.runId, runId), gt(runEvents.seq, afterSeq)))
        .orderBy(asc(runEvents.seq)),
    close: () => writer.close(),
  };
}
