/**
 * Writing finished runs. `runStatements` is the one way a run and its trace reach the database;
 * RunWriter batches synchronous calls' runs into one transaction every few milliseconds
 * (group commit), so recording runs costs one WAL commit per batch, not one per call.
 */
import { eq, sql } from 'drizzle-orm';
import { WeirError } from '../../errors.ts';
import { IMMEDIATE, sqliteCode, type Db } from './db.ts';
import { nodeTraces } from './schema.ts';
import type { FinishedRun } from '../types.ts';
import { toJsonText } from './json.ts';

const ph = sql.placeholder;

/** Writes one finished run; `replaceTrace` first drops a trace written by an earlier finish. */
export type WriteRun = (done: FinishedRun, replaceTrace?: boolean) => void;

/** Inserts or completes a run (it may have been recorded by `start`) with its trace. */
export function runStatements(db: Db): WriteRun {
  const deleteTrace = db.delete(nodeTraces).where(eq(nodeTraces.runId, ph('runId'))).prepare();
  const insertTrace = db
    .insert(nodeTraces)
    .values({
      runId: ph('runId'), idx: ph('idx'), node: ph('node'), type: ph('type'), status: ph('status'),
      startMs: ph('startMs'), endMs: ph('endMs'), attempts: ph('attempts'), inputs: ph('inputs'), output: ph('output'),
      error: ph('error'), skipReason: ph('skipReason'), usage: ph('usage'), logs: ph('logs'),
    })
    .onConflictDoUpdate({
      target: [nodeTraces.runId, nodeTraces.idx],
      set: {
        node: sql`excluded.node`, type: sql`excluded.type`, status: sql`excluded.status`, startMs: sql`excluded.start_ms`,
        endMs: sql`excluded.end_ms`, attempts: sql`excluded.attempts`, inputs: sql`excluded.inputs`, output: sql`excluded.output`,
        error: sql`excluded.error`, skipReason: sql`excluded.skip_reason`, usage: sql`excluded.usage`, logs: sql`excluded.logs`,
      },
    })
    .prepare();

  // The run row is written for every published call: a raw statement skips drizzle's per-call
  // parameter mapping (about a third of this write). It inserts a run or completes one `start` recorded.
  const rawUpsert = (db as unknown as { $client: { prepare(sql: string): { run(...args: unknown[]): unknown } } }).$client.prepare(
    `INSERT INTO runs (id, flow, version, deployment, mode, status, inputs, outputs, error, usage, started_at, ended_at, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, outputs = excluded.outputs, error = excluded.error,
       usage = excluded.usage, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms`,
  );
  const json = (v: unknown) => (v === undefined || v === null ? null : toJsonText(v));

  return ({ run, trace }, replaceTrace = false) => {
    rawUpsert.run(
      run.id, run.flow, run.version ?? null, run.deployment ?? null, run.mode, run.status, json(run.inputs), json(run.outputs),
      json(run.error), json(run.usage), run.startedAt, run.endedAt ?? null, run.durationMs ?? null,
    );
    if (!trace) return;
    // Group-committed runs are new, so the hot path skips this; the upsert below still keeps a
    // repeated id from failing its whole batch.
    if (replaceTrace) deleteTrace.run({ runId: run.id });
    for (const t of trace) {
      insertTrace.run({
        runId: run.id, idx: t.idx, node: t.node, type: t.type, status: t.status, startMs: t.startMs ?? null,
        endMs: t.endMs ?? null, attempts: t.attempts ?? 0, inputs: t.inputs ?? null, output: t.output ?? null,
        error: t.error ?? null, skipReason: t.skipReason ?? null, usage: t.usage ?? null, logs: t.logs ?? null,
      });
    }
  };
}

/** Past this many queued runs a batch is written at once, so a burst cannot grow memory unbounded. */
const MAX_BATCH = 1000;

export interface RunWriterLog {
  error(message: string, err: unknown): void;
}

export class RunWriter {
  #queue: FinishedRun[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Transactions committed so far (one per batch when all goes well). */
  commits = 0;

  constructor(
    private readonly db: Db,
    private readonly write: WriteRun,
    private readonly batchMs = 5,
    private readonly log: RunWriterLog = { error: (m, e) => console.error(`weir store: ${m}`, e) },
  ) {}

  get pending(): number {
    return this.#queue.length;
  }

  enqueue(done: FinishedRun): void {
    if (this.#closed) throw new WeirError('store_closed', 'the store is closed', { status: 503 });
    this.#queue.push(done);
    if (this.#queue.length >= MAX_BATCH) this.flush();
    else this.#schedule();
  }

  /** Writes everything queued now, synchronously; never throws for a bad run (it is logged). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    try {
      this.db.transaction(() => {
        for (const done of batch) this.write(done);
      }, IMMEDIATE);
      this.commits++;
    } catch (err) {
      const code = sqliteCode(err);
      // Another process holds the lock past busy_timeout: keep the batch and try again later.
      if ((code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') && !this.#closed) {
        this.#queue = batch.concat(this.#queue);
        this.log.error(`run batch of ${batch.length} deferred, database busy`, err);
        this.#schedule();
        return;
      }
      this.#writeOneByOne(batch);
    }
  }

  close(): void {
    // Closed first, so a busy database makes the final flush write run by run instead of deferring.
    this.#closed = true;
    this.flush();
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), this.batchMs);
    // Queued runs must not keep a finished process alive; close() flushes them.
    this.#timer.unref();
  }

  /** A failed batch must not lose the good runs in it: each gets its own transaction. */
  #writeOneByOne(batch: FinishedRun[]): void {
    for (const done of batch) {
      try {
        this.db.transaction(() => this.write(done), IMMEDIATE);
        this.commits++;
      } catch (err) {
        this.log.error(`run ${String(done.run?.id)} could not be stored and was dropped`, err);
      }
    }
  }
}
