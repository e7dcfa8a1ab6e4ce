import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { alive } from '../data/write-lock.ts';
import { WeirError } from '../errors.ts';
import type { JobRow, Store } from '../store/types.ts';
import { CLOSING, JOB_LOST, type GivenUp, type JobHandler, type QueueSpec, type WorkOptions, type WorkQueue } from './types.ts';

export interface StoreQueueOptions {
  /** How long a claimed job stays this instance's without a heartbeat (ms). */
  leaseMs?: number;
  /** How often the store is asked for jobs added by other processes (ms). */
  pollMs?: number;
  /** How often jobs of dead instances and timed-out jobs are looked for (ms). */
  reclaimMs?: number;
  /** Finished jobs are deleted after this long (ms). */
  retentionMs?: number;
  /** A failed attempt is tried again after this long (ms). */
  retryDelayMs?: number;
}

export const DEFAULTS = { leaseMs: 15_000, pollMs: 500, reclaimMs: 5_000, retentionMs: 7 * 24 * 3600_000, retryDelayMs: 1_000 };
const PRUNE_EVERY_MS = 3600_000;

/** Options given as undefined keep their defaults. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface Running {
  ctl: AbortController;
  done: Promise<void>;
  /** Renews the lease while the handler runs. */
  beat: ReturnType<typeof setInterval>;
}

interface Worked {
  spec: QueueSpec;
  handler: JobHandler;
  opts: WorkOptions;
  running: Map<string, Running>;
  claiming: boolean;
}


const errorOf = (err: unknown) => (err instanceof WeirError ? { code: err.code, message: err.message } : { code: 'job_failed', message: err instanceof Error ? err.message : String(err) });

/**
 * The queue without Redis: jobs are rows of the store (SQLite on a laptop, or the Postgres every
 * instance shares). Workers claim rows under a lease they renew; any instance with workers looks
 * for leases that ran out (an instance that died) and timeouts every few seconds. An instance that
 * died on this host is noticed at once by its pid (the owner id carries host and pid), so a laptop
 * restarted after a crash picks its jobs up without waiting for the lease.
 */
export class StoreQueue implements WorkQueue {
  readonly kind = 'store';
  readonly owner = `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  readonly #o: typeof DEFAULTS;
  readonly #worked = new Map<string, Worked>();
  #timers: ReturnType<typeof setInterval>[] = [];
  #paused = false;
  #closed = false;
  #prunedAt = 0;

  constructor(private readonly store: Store, opts: StoreQueueOptions = {}) {
    this.#o = { ...DEFAULTS, ...defined(opts) };
  }

  async add(spec: QueueSpec, id: string, payload: unknown): Promise<{ created: boolean }> {
    const { created } = await this.store.jobs.enqueue({ id, queue: spec.name, payload, maxAttempts: spec.maxAttempts, timeoutMs: spec.timeoutMs });
    const w = this.#worked.get(spec.name);
    if (w) void this.#fill(w);
    return { created };
  }

  async work(spec: QueueSpec, handler: JobHandler, opts: WorkOptions): Promise<void> {
    if (this.#closed) throw new WeirError('closing', 'the job queue is closed', { status: 503 });
    const w: Worked = { spec, handler, opts, running: new Map(), claiming: false };
    this.#worked.set(spec.name, w);
    if (this.#timers.length === 0) {
      this.#timers.push(setInterval(() => void this.#reclaim(), this.#o.reclaimMs));
      await this.#reclaim();
    }
    const poll = setInterval(() => void this.#fill(w), this.#o.pollMs);
    this.#timers.push(poll);
    for (const t of this.#timers) t.unref();
    void this.#fill(w);
  }

  async pause(): Promise<void> {
    this.#paused = true;
  }

  #closing: Promise<void> | undefined;
  close(): Promise<void> {
    return (this.#closing ??= this.#close());
  }

  async #close(): Promise<void> {
    this.#paused = true;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    const all = [...this.#worked.values()].flatMap((w) => [...w.running.values()]);
    for (const r of all) r.ctl.abort(new WeirError('closing', 'the server is shutting down', { status: 503 }));
    await Promise.all(all.map((r) => r.done));
  }

  /** Tests: behave as if this process had died (no release, no more heartbeats, nothing finished). */
  abandon(): void {
    this.#paused = true;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    for (const w of this.#worked.values()) {
      // What it runs goes on in memory, as a process frozen for good would: it only stops renewing.
      for (const r of w.running.values()) clearInterval(r.beat);
    }
  }

  async #fill(w: Worked): Promise<void> {
    if (w.claiming) return;
    w.claiming = true;
    try {
      while (!this.#paused && w.running.size < w.opts.concurrency) {
        const job = await this.store.jobs.claim(w.spec.name, this.owner, this.#o.leaseMs);
        if (!job) break;
        if (this.#paused) {
          await this.store.jobs.release(job.id, this.owner);
          break;
        }
        this.#start(w, job);
      }
    } catch (err) {
      if (!this.#closed) console.error(`could not take ${w.spec.name} jobs:`, (err as Error).message);
    } finally {
      w.claiming = false;
    }
  }

  #start(w: Worked, job: JobRow): void {
    const ctl = new AbortController();
    const timeout = setTimeout(() => ctl.abort(new WeirError('job_timeout', `the job did not finish within ${job.timeoutMs} ms`, { status: 504 })), Math.max(0, (job.startedAt ?? Date.now()) + job.timeoutMs - Date.now()));
    const beat = setInterval(() => {
      this.store.jobs.heartbeat(job.id, this.owner, this.#o.leaseMs).then(
        (held) => held || ctl.abort(new WeirError('job_lost', 'another instance took the job (its lease ran out)', { status: 409 })),
        (err: unknown) => console.error(`could not renew the lease of job ${job.id}:`, (err as Error).message),
      );
    }, this.#o.leaseMs / 3);
    beat.unref();
    const done = (async () => {
      let outcome: { ok: true; result: unknown } | { ok: false; err: unknown };
      try {
        outcome = { ok: true, result: await w.handler({ id: job.id, payload: job.payload, attempt: job.attempts, signal: ctl.signal }) };
      } catch (err) {
        outcome = { ok: false, err };
      } finally {
        clearTimeout(timeout);
        clearInterval(beat);
      }
      await this.#settle(w, job, ctl.signal, outcome).catch((err: unknown) => console.error(`could not record the end of job ${job.id}:`, (err as Error).message));
    })().finally(() => {
      w.running.delete(job.id);
      void this.#fill(w);
    });
    w.running.set(job.id, { ctl, done, beat });
  }

  async #settle(w: Worked, job: JobRow, signal: AbortSignal, outcome: { ok: true; result: unknown } | { ok: false; err: unknown }): Promise<void> {
    const reason = signal.aborted ? (signal.reason as WeirError | undefined)?.code : undefined;
    if (reason === CLOSING) {
      await this.store.jobs.release(job.id, this.owner);
      return;
    }
    if (reason === JOB_LOST) return;
    // Past its timeout the job is the reclaimer's to end (and give up), whoever notices first.
    if (reason === 'job_timeout') return void (await this.#reclaim());
    if (outcome.ok) {
      await this.store.jobs.complete(job.id, this.owner, outcome.result ?? null);
      return;
    }
    const error = errorOf(outcome.err);
    const held = await this.store.jobs.fail(job.id, this.owner, error, this.#o.retryDelayMs);
    if (held && job.attempts >= job.maxAttempts) await this.#giveUp({ id: job.id, queue: job.queue, payload: job.payload, status: 'failed', error });
  }

  async #giveUp(g: GivenUp & { queue: string }): Promise<void> {
    const w = this.#worked.get(g.queue);
    if (!w) return void console.error(`job ${g.id} of queue ${g.queue} ended (${g.status}) and no handler here records it`);
    await w.opts.onGiveUp({ id: g.id, payload: g.payload, status: g.status, error: g.error }).catch((err: unknown) => console.error(`could not mark job ${g.id} ${g.status}:`, (err as Error).message));
  }

  #reclaiming: Promise<void> | undefined;
  #reclaim(): Promise<void> {
    return (this.#reclaiming ??= this.#reclaimOnce()
      .catch((err: unknown) => {
        if (!this.#closed) console.error('could not look for jobs of stopped instances:', (err as Error).message);
      })
      .finally(() => (this.#reclaiming = undefined)));
  }

  async #reclaimOnce(): Promise<void> {
    const host = os.hostname();
    for (const queue of this.#worked.keys()) {
      for (const job of await this.store.jobs.list(queue, { status: 'active', limit: 500 })) {
        const [h, pid] = (job.owner ?? '').split('/');
        // A lease that ends now: the holder is a process of this host that no longer exists.
        if (h === host && Number(pid) !== process.pid && !alive(Number(pid))) await this.store.jobs.heartbeat(job.id, job.owner!, -1);
      }
    }
    const { ended } = await this.store.jobs.reclaimExpired(Date.now(), [...this.#worked.keys()]);
    for (const j of ended) await this.#giveUp({ id: j.id, queue: j.queue, payload: j.payload, status: j.status === 'interrupted' ? 'interrupted' : 'failed', error: j.error ?? { code: 'interrupted', message: 'the job ended' } });
    if (Date.now() - this.#prunedAt > PRUNE_EVERY_MS) {
      this.#prunedAt = Date.now();
      await this.store.jobs.prune(this.#o.retentionMs);
    }
  }
}
