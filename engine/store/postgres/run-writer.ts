/**
 * Writing finished runs. `writeRuns` is the one way runs and their traces reach the database: one
 * upsert of every run and one of every trace row, so a batch of a thousand runs is four round trips
 * (BEGIN, runs, traces, COMMIT).
 * RunWriter batches synchronous calls' runs into one transaction every few milliseconds (group
 * commit), so recording runs costs one commit per batch, not one per call.
 */
import type pg from 'pg';
import { WeirError } from '../../errors.ts';
import type { FinishedRun, NodeTraceRow, RunRow } from '../types.ts';
import { toJsonText } from '../sqlite/json.ts';
import { isTransient } from './db.ts';

/**
 * A value for a json column: its JSON text, itself as a JSON string, cast to json in SQL. Passed as
 * a nested object instead, json_to_recordset would decode it and refuse any "\u0000" in it.
 * null and undefined become SQL NULL.
 */
export const json = (v: unknown): string => (v === undefined || v === null ? 'null' : JSON.stringify(toJsonText(v)));
/**
 * A scalar as JSON: NaN and infinities become null (as SQLite stores them), and a lone UTF-16
 * surrogate the replacement character (as the driver encodes it anywhere else) instead of an escape
 * Postgres refuses.
 */
type WellFormed = string & { toWellFormed(): string }; // ES2024, in Node 20; the project's lib is ES2023
export const val = (v: unknown): string => JSON.stringify(typeof v === 'string' ? (v as WellFormed).toWellFormed() : (v ?? null));

/**
 * Batches travel as one JSON document, expanded by json_to_recordset: one parameter whatever the
 * batch size, serialised by V8's JSON.stringify instead of escaped value by value into array
 * literals (measured on 1000 runs: 3 ms of Node's time instead of 25, and about half the time overall).
 */
const UPSERT_RUNS = `
  INSERT INTO runs (id, flow, version, deployment, mode, status, inputs, outputs, error, usage, started_at, ended_at, duration_ms)
  SELECT id, flow, version, deployment, mode, status, inputs::json, outputs::json, error::json, usage::json, started_at, ended_at, duration_ms
  FROM json_to_recordset($1::json) AS r(id text, flow text, version int4, deployment text, mode text, status text, inputs text,
    outputs text, error text, usage text, started_at int8, ended_at int8, duration_ms float8)
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, outputs = excluded.outputs, error = excluded.error,
    usage = excluded.usage, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms`;

const UPSERT_TRACES = `
  INSERT INTO node_traces (run_id, idx, node, type, status, start_ms, end_ms, attempts, inputs, output, error, skip_reason, usage, logs)
  SELECT run_id, idx, node, type, status, start_ms, end_ms, attempts, inputs::json, output::json, error::json, skip_reason, usage::json, logs::json
  FROM json_to_recordset($1::json) AS t(run_id text, idx int4, node text, type text, status text, start_ms float8, end_ms float8,
    attempts int4, inputs text, output text, error text, skip_reason text, usage text, logs text)
  ON CONFLICT (run_id, idx) DO UPDATE SET node = excluded.node, type = excluded.type, status = excluded.status,
    start_ms = excluded.start_ms, end_ms = excluded.end_ms, attempts = excluded.attempts, inputs = excluded.inputs,
    output = excluded.output, error = excluded.error, skip_reason = excluded.skip_reason, usage = excluded.usage, logs = excluded.logs`;

const DELETE_TRACES = 'DELETE FROM node_traces WHERE run_id = ANY($1::text[])';

/** Trace rows per statement, so one huge batch does not become one huge parameter. */
const TRACE_ROWS_PER_STATEMENT = 10_000;

const runJson = (r: RunRow): string =>
  `{"id":${val(r.id)},"flow":${val(r.flow)},"version":${val(r.version)},"deployment":${val(r.deployment)},"mode":${val(r.mode)},` +
  `"status":${val(r.status)},"inputs":${json(r.inputs)},"outputs":${json(r.outputs)},"error":${json(r.error)},"usage":${json(r.usage)},` +
  `"started_at":${val(r.startedAt)},"ended_at":${val(r.endedAt)},"duration_ms":${val(r.durationMs)}}`;

const traceJson = (t: NodeTraceRow): string =>
  `{"run_id":${val(t.runId)},"idx":${val(t.idx)},"node":${val(t.node)},"type":${val(t.type)},"status":${val(t.status)},` +
  `"start_ms":${val(t.startMs)},"end_ms":${val(t.endMs)},"attempts":${val(t.attempts ?? 0)},"inputs":${json(t.inputs)},` +
  `"output":${json(t.output)},"error":${json(t.error)},"skip_reason":${val(t.skipReason)},"usage":${json(t.usage)},"logs":${json(t.logs)}}`;

/**
 * Writes runs and their traces with the client given (inside the caller's transaction when there is
 * one); `replaceTrace` first drops the traces earlier finishes wrote. One upsert cannot touch a row
 * twice, so a run given twice is merged here the way two upserts in a row would leave it: the first
 * one's insert, the last one's outcome, and each trace row as last written.
 */
export async function writeRuns(client: pg.ClientBase, batch: FinishedRun[], replaceTrace = false): Promise<void> {
  const runs = new Map<string, RunRow>();
  const traces = new Map<string, NodeTraceRow>();
  /** Runs given a trace: only theirs is replaced (a run finished without one keeps what it had). */
  const traced = new Set<string>();
  for (const { run, trace } of batch) {
    const first = runs.get(run.id);
    runs.set(
      run.id,
      first
        ? { ...first, status: run.status, outputs: run.outputs, error: run.error, usage: run.usage, endedAt: run.endedAt, durationMs: run.durationMs }
        : run,
    );
    if (!trace) continue;
    traced.add(run.id);
    for (const t of trace) traces.set(`${t.idx}\u0000${run.id}`, { ...t, runId: run.id });
  }

  await client.query({ name: 'weir_upsert_runs', text: UPSERT_RUNS, values: [`[${[...runs.values()].map(runJson).join(',')}]`] });
  if (replaceTrace && traced.size) await client.query({ name: 'weir_delete_traces', text: DELETE_TRACES, values: [[...traced]] });
  const all = [...traces.values()];
  for (let i = 0; i < all.length; i += TRACE_ROWS_PER_STATEMENT) {
    const part = all.slice(i, i + TRACE_ROWS_PER_STATEMENT);
    await client.query({ name: 'weir_upsert_traces', text: UPSERT_TRACES, values: [`[${part.map(traceJson).join(',')}]`] });
  }
}

/** Runs `work` in a transaction on a connection of its own from the pool. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    }
  } catch (err) {
    if (isTransient(err)) broken ??= err as Error;
    throw err;
  } finally {
    // A connection that failed mid-transaction is dropped rather than handed to the next caller.
    client.release(broken);
  }
}

/** Past this many queued runs a batch is written at once, so a burst cannot grow memory unbounded. */
const MAX_BATCH = 1000;
/** While the database is unreachable, batches are kept and tried again this often … */
const RETRY_MS = 500;
/** … up to this many runs; past it the oldest are dropped (and logged) rather than exhausting memory. */
const MAX_KEPT = 100_000;

export interface RunWriterLog {
  error(message: string, err: unknown): void;
}

export class RunWriter {
  #queue: FinishedRun[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** The batch being written (batches are written one after another, in order). */
  #writing: Promise<void> = Promise.resolve();
  /** Transactions committed so far (one per batch when all goes well). */
  commits = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly batchMs = 5,
    private readonly log: RunWriterLog = { error: (m, e) => console.error(`weir store: ${m}`, e) },
  ) {}

  get pending(): number {
    return this.#queue.length;
  }

  enqueue(done: FinishedRun): void {
    if (this.#closed) throw new WeirError('store_closed', 'the store is closed', { status: 503 });
    this.#queue.push(done);
    if (this.#queue.length >= MAX_BATCH) void this.flush();
    else this.#schedule(this.batchMs);
  }

  /** Writes everything queued now (after the batch being written); never rejects for a bad run (it is logged). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    const written = this.#writing.then(() => (batch.length ? this.#write(batch) : undefined));
    this.#writing = written;
    return written;
  }

  /** Writes what is queued and refuses more; safe to call again. */
  close(): Promise<void> {
    // Closed first, so an unreachable database makes the final flush give up instead of deferring.
    this.#closed = true;
    return this.flush();
  }

  #schedule(ms: number): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => void this.flush(), ms);
    // Queued runs must not keep a finished process alive; close() flushes them.
    this.#timer.unref();
  }

  async #write(batch: FinishedRun[]): Promise<void> {
    try {
      await inTransaction(this.pool, (client) => writeRuns(client, batch));
      this.commits++;
    } catch (err) {
      if (isTransient(err) && !this.#closed) {
        // The database is away (restart, failover): keep the batch and try again shortly.
        this.#queue = batch.concat(this.#queue);
        const over = this.#queue.length - MAX_KEPT;
        if (over > 0) {
          this.#queue.splice(0, over);
          this.log.error(`${over} runs dropped: the database has been unreachable while ${MAX_KEPT} waited`, err);
        }
        this.log.error(`run batch of ${batch.length} deferred, database unreachable`, err);
        this.#schedule(RETRY_MS);
        return;
      }
      await this.#writeOneByOne(batch);
    }
  }

  /** A failed batch must not lose the good runs in it: each gets its own transaction. */
  async #writeOneByOne(batch: FinishedRun[]): Promise<void> {
    for (const done of batch) {
      try {
        await inTransaction(this.pool, (client) => writeRuns(client, [done]));
        this.commits++;
      } catch (err) {
        this.log.error(`run ${String(done.run?.id)} could not be stored and was dropped`, err);
      }
    }
  }
}
