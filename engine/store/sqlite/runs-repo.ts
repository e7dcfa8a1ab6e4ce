import { type SQL, and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import { IMMEDIATE, type Db } from './db.ts';
import { RunWriter, runStatements } from './run-writer.ts';
import { nodeTraces, runEvents, runs, type NodeTraceRecord, type RunRecord } from './schema.ts';
import type { NodeTraceRow, RunRow, Store } from '../types.ts';
import type { Sync } from './async.ts';
import { INTERRUPTED_ERROR } from '../shared.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export { INTERRUPTED_ERROR };

const toRun = (r: RunRecord): RunRow => r as RunRow;
const toTrace = (r: NodeTraceRecord): NodeTraceRow => r as NodeTraceRow;

type StoreRuns = Sync<Store['runs']>;

export interface RunsRepo extends StoreRuns {
  /** The group-commit writer behind `enqueue`, exposed for tests and shutdown. */
  readonly writer: RunWriter;
  close(): void;
}

export function runsRepo(db: Db, batchMs = 5): RunsRepo {
  const write = runStatements(db);
  const writer = new RunWriter(db, write, batchMs);
  const byId = db.select().from(runs).where(eq(runs.id, sql.placeholder('id'))).prepare();
  const insertEvent = db
    .insert(runEvents)
    .values({ runId: sql.placeholder('runId'), seq: sql.placeholder('seq'), type: sql.placeholder('type'), data: sql.placeholder('data') })
    .onConflictDoNothing()
    .prepare();
  const traceOf = db.select().from(nodeTraces).where(eq(nodeTraces.runId, sql.placeholder('id'))).orderBy(asc(nodeTraces.idx)).prepare();

  return {
    writer,
    start: (run) => write({ run }),
    // One transaction: a reader (or a crash) sees the run before or after, with all its trace or none.
    finish: (done) => db.transaction(() => write(done, true), IMMEDIATE),
    enqueue: (done) => writer.enqueue(done),
    flush: () => writer.flush(),
    get: (id) => {
      const r = byId.get({ id });
      return r && toRun(r);
    },
    trace: (id) => traceOf.all({ id }).map(toTrace),
    list: (filter) => {
      const where: SQL[] = [];
      if (filter.flow !== undefined) where.push(eq(runs.flow, filter.flow));
      if (filter.deployment !== undefined) where.push(eq(runs.deployment, filter.deployment));
      if (filter.status !== undefined) where.push(eq(runs.status, filter.status));
      if (filter.before !== undefined) {
        const earlier = lt(runs.startedAt, filter.before);
        where.push(filter.beforeId === undefined ? earlier : or(earlier, and(eq(runs.startedAt, filter.before), lt(runs.id, filter.beforeId)))!);
      }
      const asked = filter.limit !== undefined && Number.isFinite(filter.limit) ? Math.trunc(filter.limit) : DEFAULT_LIMIT;
      const limit = Math.min(Math.max(asked, 1), MAX_LIMIT);
      return db
        .select()
        .from(runs)
        .where(and(...where))
        .orderBy(desc(runs.startedAt), desc(runs.id))
        .limit(limit)
        .all()
        .map(toRun);
    },
    markInterrupted: (ids) => {
      if (ids?.length === 0) return 0;
      const now = Date.now();
      const unfinished = inArray(runs.status, ['queued', 'running']);
      return db
        .update(runs)
        .set({ status: 'interrupted', endedAt: now, error: INTERRUPTED_ERROR })
        .where(ids ? and(unfinished, inArray(runs.id, ids)) : unfinished)
        .run().changes;
    },
    appendEvents: (events) => {
      if (events.length === 0) return;
      db.transaction(() => {
        for (const e of events) insertEvent.run({ runId: e.runId, seq: e.seq, type: e.type, data: e.data ?? null });
      }, IMMEDIATE);
    },
    events: (runId, afterSeq) =>
      db
        .select()
        .from(runEvents)
        .where(and(eq(runEvents.runId, runId), gt(runEvents.seq, afterSeq)))
        .orderBy(asc(runEvents.seq))
        .all(),
    close: () => writer.close(),
  };
}
