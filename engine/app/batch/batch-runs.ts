/**
 * Batch runs as jobs on the queue (any instance's workers run them): submitted with their data
 * lines stored pending, claimed by a worker, run with the batch core, lines saved as they finish (so a
 * batch whose instance died resumes where it was on the next try), then the aggregation's metrics.
 */
import { WeirError, type SerializedError } from '../../errors.ts';
import type { Plan } from '../../flow/compile.ts';
import type { Bus } from '../../bus/types.ts';
import type { RunHost } from '../../run/node-context.ts';
import { newRunId } from '../../run/run-id.ts';
import { CLOSING, JOB_LOST, type GivenUp, type JobContext, type QueueSpec, type WorkQueue } from '../../queue/types.ts';
import type { BatchLineRow, BatchRunRow, BatchRunStatus, Store, VersionRow } from '../../store/types.ts';
import type { EarlierLine } from './column-mapping.ts';
import type { DataLine } from './data-lines.ts';
import type { LineResult } from './line-run.ts';
import { checkBatch, DEFAULT_BATCH_CONCURRENCY, MAX_BATCH_CONCURRENCY, runBatch } from './run-batch.ts';

export const BATCH_QUEUE: QueueSpec = { name: 'batch', maxAttempts: 3, timeoutMs: 24 * 3600_000 };
const CANCEL_CHANNEL = 'batch-cancel';
/** Finished lines are saved (and the progress counts with them) at most this often. */
const SAVE_EVERY_MS = 200;
const PAGE = 5000;

export const ACTIVE: readonly BatchRunStatus[] = ['queued', 'running'];

/** What batch runs need of the workspace (given by it; declared here so this file does not import it). */
export interface BatchAccess {
  readonly store: Store;
  readonly queue: WorkQueue;
  readonly bus: Bus;
  readonly host: RunHost;
  version(flow: string, number: number): Promise<VersionRow | undefined>;
  versionPlan(v: VersionRow): Promise<Plan>;
  draftPlan(name: string): Promise<Plan>;
}

export interface SubmitBatch {
  flow: string;
  /** A published version; absent: the latest published one, or the draft when there is none. */
  version?: number;
  data: DataLine[];
  columnMapping?: Record<string, unknown>;
  /** An earlier batch run's id: its lines are `${run.outputs.x}` / `${run.inputs.x}`. */
  run?: string;
  concurrency?: number;
}

const toLine = (l: BatchLineRow): LineResult => ({
  line_number: l.lineNumber, status: l.status === 'pending' ? 'failed' : l.status, inputs: l.inputs ?? {}, outputs: l.outputs ?? {},
  ...(l.error ? { error: l.error } : {}), duration_ms: l.durationMs ?? 0, usage: l.usage ?? {}, ...(l.aggregationInputs ? { aggregation_inputs: l.aggregationInputs } : {}),
});

export class BatchRuns {
  readonly #running = new Map<string, AbortController>();
  #cancels: Promise<unknown> | undefined;

  constructor(private readonly ws: BatchAccess, readonly spec: QueueSpec = BATCH_QUEUE) {}

  get(id: string): Promise<BatchRunRow | undefined> {
    return this.ws.store.batches.get(id);
  }

  async mustGet(id: string): Promise<BatchRunRow> {
    const row = await this.get(id);
    if (!row) throw new WeirError('batch_run_not_found', `batch run ${id} not found`, { status: 404 });
    return row;
  }

  list(f: { limit: number; offset?: number; flow?: string }): Promise<BatchRunRow[]> {
    return this.ws.store.batches.list(f);
  }

  lines(id: string, offset: number, limit: number): Promise<BatchLineRow[]> {
    return this.ws.store.batches.lines(id, offset, limit);
  }

  async #allLines(id: string): Promise<BatchLineRow[]> {
    const out: BatchLineRow[] = [];
    for (let page = await this.lines(id, 0, PAGE); page.length; page = page.length < PAGE ? [] : await this.lines(id, out.length, PAGE)) out.push(...page);
    return out;
  }

  async #plan(flow: string, version: number | null): Promise<Plan> {
    if (version === null) return this.ws.draftPlan(flow);
    const v = await this.ws.version(flow, version);
    if (!v) throw new WeirError('version_not_found', `version ${version} of flow "${flow}" not found`, { status: 404 });
    return this.ws.versionPlan(v);
  }

  /** Checks the flow, mapping and earlier run, stores the batch with its lines and queues it. */
  async submit(o: SubmitBatch): Promise<BatchRunRow> {
    const version = o.version ?? (await this.ws.store.versions.list(o.flow)).at(-1)?.number ?? null;
    const plan = await this.#plan(o.flow, version);
    if (o.run !== undefined) await this.mustGet(o.run);
    checkBatch(plan, o.columnMapping, o.run !== undefined);
    const concurrency = Math.min(MAX_BATCH_CONCURRENCY, Math.max(1, o.concurrency ?? DEFAULT_BATCH_CONCURRENCY));
    const row: BatchRunRow = {
      id: `batch_${newRunId().replace(/^run_/, '')}`, flow: o.flow, version, status: 'queued', columnMapping: o.columnMapping ?? {}, earlierRun: o.run ?? null,
      concurrency, total: o.data.length, succeeded: 0, failed: 0, metrics: {}, aggregation: null, error: null, usage: {},
      createdAt: Date.now(), startedAt: null, finishedAt: null, durationMs: null,
    };
    await this.ws.store.batches.create(row, o.data);
    try {
      await this.ws.queue.add(this.spec, row.id, { id: row.id });
    } catch (err) {
      await this.ws.store.batches.update(row.id, { status: 'failed', error: { code: 'queue_unavailable', message: 'the batch could not be queued' }, finishedAt: Date.now() }).catch(() => {});
      throw new WeirError('queue_unavailable', `the batch could not be queued: ${(err as Error).message}`, { status: 503, cause: err });
    }
    return row;
  }

  /** Cancels a queued batch at once; a running one is stopped by the instance running it (over the bus). */
  async cancel(id: string): Promise<BatchRunRow> {
    const row = await this.mustGet(id);
    if (!ACTIVE.includes(row.status)) throw new WeirError('run_not_running', `batch run ${id} is ${row.status}, not running`, { status: 409 });
    if (await this.ws.store.batches.transition(id, ['queued'], { status: 'cancelled', finishedAt: Date.now() })) return { ...row, status: 'cancelled' };
    if (!this.#stop(id)) await this.ws.bus.publish(CANCEL_CHANNEL, { id });
    return row;
  }

  #stop(id: string): boolean {
    const ctl = this.#running.get(id);
    ctl?.abort(new WeirError('run_cancelled', 'the batch was cancelled'));
    return ctl !== undefined;
  }

  #listenForCancels(): Promise<unknown> {
    return (this.#cancels ??= this.ws.bus
      .subscribe(CANCEL_CHANNEL, (m) => {
        const id = (m as { id?: unknown } | null)?.id;
        if (typeof id === 'string') this.#stop(id);
      })
      .catch((err: unknown) => {
        console.error('batch runs: could not listen for cancel requests:', (err as Error).message);
        this.#cancels = undefined;
      }));
  }

  /** A worker's turn: runs the batch's lines not yet succeeded, saving them as they finish, then aggregates. */
  async handle(job: JobContext): Promise<unknown> {
    const { id } = job.payload as { id: string };
    const row = await this.get(id);
    if (!row || !(await this.ws.store.batches.transition(id, ACTIVE, { status: 'running', startedAt: row.startedAt ?? Date.now() }))) return { skipped: row?.status ?? 'missing' };
    await this.#listenForCancels();
    const ctl = new AbortController();
    const stop = () => ctl.abort(job.signal.reason);
    if (job.signal.aborted) stop();
    job.signal.addEventListener('abort', stop, { once: true });
    this.#running.set(id, ctl);
    const saver = new LineSaver(this.ws.store, id);
    const t0 = Date.now();
    try {
      const plan = await this.#plan(row.flow, row.version);
      const stored = await this.#allLines(id);
      const earlier = row.earlierRun ? new Map((await this.#allLines(row.earlierRun)).map((l): [number, EarlierLine] => [l.lineNumber, { status: l.status, inputs: l.inputs ?? {}, outputs: l.outputs ?? {} }])) : undefined;
      const done = new Map(stored.filter((l) => l.status === 'succeeded').map((l) => [l.lineNumber, toLine(l)]));
      const r = await runBatch({
        plan, earlier, done, host: this.ws.host, signal: ctl.signal, concurrency: row.concurrency,
        lines: stored.map((l) => l.data as DataLine), columnMapping: row.columnMapping,
        onLine: (l, p) => saver.add(l, p.succeeded, p.failed),
      });
      await saver.flush();
      const reason = (job.signal.reason as WeirError | undefined)?.code;
      // Handed back (a shutdown, a lost lease): the lines saved so far stay; the next try goes on from them.
      if (job.signal.aborted && (reason === CLOSING || reason === JOB_LOST)) return { handedBack: true };
      const error: SerializedError | null = r.error ?? (r.status === 'cancelled' ? { code: 'run_cancelled', message: 'the batch was cancelled' } : null);
      await this.ws.store.batches.update(id, {
        status: r.status, succeeded: r.summary.succeeded, failed: r.summary.failed + r.summary.cancelled, metrics: r.metrics, aggregation: r.aggregation ?? null,
        error, usage: r.summary.usage, finishedAt: Date.now(), durationMs: Date.now() - (row.startedAt ?? t0),
      });
      return { status: r.status };
    } catch (err) {
      await saver.flush().catch(() => {});
      if (err instanceof WeirError && err.status && err.status < 500) {
        // The flow or its version is gone, or the mapping no longer fits it: the batch fails, no retry.
        await this.ws.store.batches.update(id, { status: 'failed', error: { code: err.code, message: err.message }, finishedAt: Date.now() });
        return { status: 'failed' };
      }
      throw err;
    } finally {
      this.#running.delete(id);
      job.signal.removeEventListener('abort', stop);
    }
  }

  /** The queue gave the batch up (its instance died each try, or it timed out): it says so. */
  async giveUp(g: GivenUp): Promise<void> {
    const { id } = g.payload as { id: string };
    await this.ws.store.batches.transition(id, ACTIVE, { status: g.status, error: g.error, finishedAt: Date.now() });
  }
}

/** Saves finished lines in batches, with the progress counts, so a follower on any instance sees them. */
class LineSaver {
  #pending: LineResult[] = [];
  #counts = { succeeded: 0, failed: 0 };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store, private readonly id: string) {}

  add(l: LineResult, succeeded: number, failed: number): void {
    this.#pending.push(l);
    this.#counts = { succeeded, failed };
    this.#timer ??= setTimeout(() => void this.flush().catch((err: unknown) => console.error(`batch ${this.id}: lines could not be saved:`, (err as Error).message)), SAVE_EVERY_MS);
  }

  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const rows = this.#pending.splice(0);
    const counts = this.#counts;
    this.#writing = this.#writing.catch(() => {}).then(async () => {
      if (!rows.length) return;
      await this.store.batches.saveLines(this.id, rows.map((l) => ({
        lineNumber: l.line_number, status: l.status, inputs: l.inputs, outputs: l.outputs, error: l.error ?? null, durationMs: l.duration_ms, usage: l.usage, aggregationInputs: l.aggregation_inputs ?? null,
      })));
      await this.store.batches.update(this.id, counts);
    });
    return this.#writing;
  }
}
