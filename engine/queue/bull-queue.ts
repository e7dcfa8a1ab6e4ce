import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { WeirError } from '../errors.ts';
import { CLOSING, type GivenUp, type JobHandler, type QueueSpec, type WorkOptions, type WorkQueue } from './types.ts';
import { DEFAULTS, defined } from './store-queue.ts';

export interface BullQueueOptions {
  /** Key prefix in Redis (tests use their own). */
  prefix?: string;
  /** BullMQ's lock on an active job: an instance that stops renewing it loses the job (ms). */
  leaseMs?: number;
  /** How often workers look for jobs whose lock ran out (ms). */
  stalledCheckMs?: number;
  retentionMs?: number;
  retryDelayMs?: number;
}

/**
 * BullMQ keeps keys of its own beside its jobs' (`…:marker`, `…:meta`): a job id of ours is never
 * used as is, so no id can name one of them.
 */
const toBull = (id: string) => `w_${id}`;
const fromBull = (id: string) => id.slice(2);

/**
 * The queue on Redis, with BullMQ: every instance's workers take jobs from the same queues. BullMQ
 * gives the lease (its job lock, renewed while the handler runs), hands the job of an instance that
 * stopped renewing it to another (its stalled check; `maxStalledCount` = attempts - 1), retries
 * throwing handlers and keeps finished jobs for the retention. What BullMQ has no notion of, this
 * adds: the timeout (the handler's signal is aborted, the job fails unrecoverably) and handing jobs
 * back at a graceful shutdown.
 */
export class BullQueue implements WorkQueue {
  readonly kind = 'bullmq';
  readonly #queues = new Map<string, Queue>();
  readonly #workers: Worker[] = [];
  readonly #running = new Set<{ id: string; ctl: AbortController; done: Promise<unknown> }>();
  readonly #o: Required<BullQueueOptions>;

  /** `onClosed` runs once the queue is closed (frees the connection it was opened with). */
  constructor(
    private readonly connection: Redis,
    opts: BullQueueOptions = {},
    private readonly onClosed: () => void = () => {},
  ) {
    this.#o = { prefix: 'weir', stalledCheckMs: 5_000, ...DEFAULTS, ...defined(opts) } as Required<BullQueueOptions>;
  }

  #queue(spec: QueueSpec): Queue {
    let q = this.#queues.get(spec.name);
    if (!q) {
      q = new Queue(spec.name, { connection: this.connection as never, prefix: this.#o.prefix });
      q.on('error', (err) => console.error(`job queue ${spec.name}:`, err.message));
      this.#queues.set(spec.name, q);
    }
    return q;
  }

  async add(spec: QueueSpec, id: string, payload: unknown): Promise<{ created: boolean }> {
    const q = this.#queue(spec);
    if (await q.getJob(toBull(id))) return { created: false };
    const age = Math.ceil(this.#o.retentionMs / 1000);
    await q.add(spec.name, payload, {
      jobId: toBull(id),
      attempts: spec.maxAttempts,
      backoff: { type: 'fixed', delay: this.#o.retryDelayMs },
      removeOnComplete: { age },
      removeOnFail: { age },
    });
    return { created: true };
  }

  async work(spec: QueueSpec, handler: JobHandler, opts: WorkOptions): Promise<void> {
    const q = this.#queue(spec);
    const worker = new Worker(
      spec.name,
      async (job: Job, token?: string) => {
        // Taken by a fetch under way when the workers paused: straight back for another instance.
        if (this.#paused) {
          await job.moveToWait(token);
          throw new WaitingError();
        }
        const ctl = new AbortController();
        const timer = setTimeout(() => ctl.abort(new WeirError('job_timeout', `the job did not finish within ${spec.timeoutMs} ms`, { status: 504 })), spec.timeoutMs);
        const done = handler({ id: fromBull(job.id!), payload: job.data, attempt: job.attemptsStarted, signal: ctl.signal });
        const entry = { id: job.id!, ctl, done: done.catch(() => {}) };
        this.#running.add(entry);
        try {
          const result = await done;
          if (!ctl.signal.aborted) return result ?? null;
        } catch (err) {
          if (!ctl.signal.aborted) throw err instanceof Error ? err : new Error(String(err));
        } finally {
          clearTimeout(timer);
          this.#running.delete(entry);
        }
        const reason = ctl.signal.reason as WeirError;
        if (reason.code === CLOSING) {
          // Handed back for another instance (or this one's next start): not a failed attempt.
          await job.moveToWait(token);
          throw new WaitingError();
        }
        throw new UnrecoverableError(JSON.stringify({ code: reason.code, message: reason.message }));
      },
      {
        connection: this.connection as never,
        prefix: this.#o.prefix,
        concurrency: opts.concurrency,
        lockDuration: this.#o.leaseMs,
        stalledInterval: this.#o.stalledCheckMs,
        maxStalledCount: Math.max(0, spec.maxAttempts - 1),
      },
    );
    worker.on('error', (err) => console.error(`job worker ${spec.name}:`, err.message));
    // The lock could not be renewed (Redis away too long): another instance may have the job now.
    worker.on('lockRenewalFailed', (ids) => {
      for (const r of this.#running) if (ids.includes(r.id)) r.ctl.abort(new WeirError('job_lost', 'another instance may have taken the job (its lock could not be renewed)', { status: 409 }));
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      const given = givenUpBy(err, job.attemptsMade >= (job.opts.attempts ?? 1));
      if (given) void opts.onGiveUp({ id: fromBull(job.id!), payload: job.data, ...given }).catch((e: unknown) => console.error(`could not mark job ${job.id} ${given.status}:`, (e as Error).message));
    });
    this.#workers.push(worker);
    await worker.waitUntilReady();
  }

  #paused = false;
  async pause(): Promise<void> {
    this.#paused = true;
    // Local: only this instance's workers stop taking jobs (the running ones go on).
    await Promise.all(this.#workers.map((w) => w.pause(true)));
  }

  #closing: Promise<void> | undefined;
  close(): Promise<void> {
    return (this.#closing ??= this.#close());
  }

  async #close(): Promise<void> {
    this.#paused = true;
    for (const r of this.#running) r.ctl.abort(new WeirError('closing', 'the server is shutting down', { status: 503 }));
    await Promise.all([...this.#running].map((r) => r.done));
    await Promise.all(this.#workers.map((w) => w.close()));
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    this.onClosed();
  }

  /** Tests: behave as if this process had died (the locks are left to run out). */
  async abandon(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close(true)));
  }
}

/** BullMQ's reason for a job whose instance died once too often (its stalled check fails it). */
const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

/** Whether a failure ends the job, and how; undefined while it will be tried again. */
function givenUpBy(err: Error, attemptsUsed: boolean): Pick<GivenUp, 'status' | 'error'> | undefined {
  if (err.message === STALLED_TOO_OFTEN) return { status: 'interrupted', error: { code: 'interrupted', message: 'the instance working on this job stopped before it finished' } };
  if (err.name === 'UnrecoverableError') return { status: 'failed', error: parseError(err.message) };
  return attemptsUsed ? { status: 'failed', error: { code: 'job_failed', message: err.message } } : undefined;
}

function parseError(message: string): { code: string; message: string } {
  try {
    const e = JSON.parse(message) as { code?: unknown; message?: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') return { code: e.code, message: e.message };
  } catch {
    // not ours
  }
  return { code: 'job_failed', message };
}

/** A BullMQ queue on its own Redis connection (BullMQ's workers need retries without a limit). */
export function openBullQueue(url: string, opts: BullQueueOptions = {}): BullQueue {
  const connection = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  connection.on('error', (err) => console.error('job queue Redis connection:', err.message));
  return new BullQueue(connection, opts, () => connection.disconnect());
}
