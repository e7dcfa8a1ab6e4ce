/**
 * A pool of worker threads for CPU-heavy work (embedding, tokenizing long texts, loading and chunking
 * files): the main thread routes, validates and awaits; the workers compute. Measured before it
 * existed (2 vCPU): one extractive answer over 8 retrieved chunks held the event loop for ~1.9 s and
 * a 40-file ingestion for up to 0.8 s at a time, so every other request waited that long.
 *
 * Its own queue sits in front of piscina's threads, for three things piscina does not do:
 * - interactive work (a question, a search) goes before background work (ingestion batches), and one
 *   thread more than background work may use is kept for it, so a question during an ingestion waits
 *   for no batch (`spare`);
 * - a cancelled task still queued is dropped, and a running one is either left to finish (bounded
 *   work: an embedding batch; ending its thread would cost the next task ~0.3 s to load the weights
 *   again) or has its thread ended (`endThreadOnAbort`: a parser that may never stop on its own);
 * - errors come back as WeirErrors: a worker returns its error as data (structured clone keeps only an
 *   Error's name and message), and a thread that dies (out of memory, a crash) fails its task with
 *   `compute_failed` instead of leaving the caller waiting.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Piscina } from 'piscina';
import { toErrorCode } from '../../error-codes.ts';
import { WeirError } from '../../errors.ts';
import { createWorkerPool } from '../worker-pool.ts';
import type { Outcome } from './outcome.ts';

export type Priority = 'interactive' | 'background';

const priority = new AsyncLocalStorage<Priority>();

/** Runs `fn` with every compute task it starts queued behind interactive ones (ingestion does). */
export function inBackground<T>(fn: () => Promise<T>): Promise<T> {
  return priority.run('background', fn);
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Moved to the worker instead of copied (e.g. a file's bytes). */
  transferList?: ArrayBuffer[];
  /**
   * End the thread when the signal aborts while the task runs: for work that may not stop by itself
   * (a parser spinning on a hostile file). Otherwise the task finishes unobserved.
   */
  endThreadOnAbort?: boolean;
}

export interface ComputePoolOptions {
  /** Threads background work may use: the machine's cores (defaultThreads()). */
  threads: number;
  /** One thread more for interactive work (default true). */
  spare?: boolean;
  /**
   * A thread idle this long exits and frees what it loaded (USE lite: ~135 MB a thread). Five
   * minutes, as Ollama keeps a model: a server answering now and then should not reload the
   * weights (~0.3 s) for every question.
   */
  idleTimeoutMs?: number;
}

interface Queued {
  task: unknown;
  opts: RunOptions;
  background: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onAbort?: () => void;
}

export function abortError(signal: AbortSignal): WeirError {
  return signal.reason instanceof WeirError ? signal.reason : new WeirError('aborted', 'the call was cancelled', { status: 499, cause: signal.reason });
}

export class ComputePool {
  readonly threads: number;
  readonly #maxThreads: number;
  readonly #idleTimeout: number;
  #pool: Piscina | undefined;
  readonly #interactive: Queued[] = [];
  readonly #background: Queued[] = [];
  #running = 0;
  #runningBackground = 0;
  #closed = false;

  /** `base` and `file` name the worker file as createWorkerPool takes them. */
  constructor(
    private readonly base: string,
    private readonly file: string,
    opts: ComputePoolOptions,
  ) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new WeirError('invalid_threads', `a compute pool needs 1 or more threads, not ${opts.threads}`, { status: 500 });
    this.threads = opts.threads;
    this.#maxThreads = opts.threads + (opts.spare === false ? 0 : 1);
    this.#idleTimeout = opts.idleTimeoutMs ?? 5 * 60_000;
  }

  /** Tasks waiting for a thread. */
  get queued(): number {
    return this.#interactive.length + this.#background.length;
  }

  /** Tasks on a thread now. */
  get running(): number {
    return this.#running;
  }

  /** Runs `task` on a worker; the worker function must return an `Outcome`. */
  run<T>(task: unknown, opts: RunOptions = {}): Promise<T> {
    if (this.#closed) return Promise.reject(new WeirError('closing', 'the compute pool is shut down', { status: 503 }));
    if (opts.signal?.aborted) return Promise.reject(abortError(opts.signal));
    return new Promise<T>((resolve, reject) => {
      const q: Queued = { task, opts, background: priority.getStore() === 'background', resolve: resolve as (v: unknown) => void, reject };
      (q.background ? this.#background : this.#interactive).push(q);
      if (opts.signal) {
        // Still queued: dropped. Running: see #start.
        q.onAbort = () => {
          const list = q.background ? this.#background : this.#interactive;
          const at = list.indexOf(q);
          if (at !== -1) list.splice(at, 1);
          reject(abortError(opts.signal!));
        };
        opts.signal.addEventListener('abort', q.onAbort, { once: true });
      }
      this.#pump();
    });
  }

  /** Ends every thread; queued tasks fail with `closing`. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const q of [...this.#interactive.splice(0), ...this.#background.splice(0)]) {
      if (q.onAbort) q.opts.signal?.removeEventListener('abort', q.onAbort);
      q.reject(new WeirError('closing', 'the compute pool is shut down', { status: 503 }));
    }
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }

  #piscina(): Piscina {
    if (!this.#pool) {
      this.#pool = createWorkerPool(this.base, this.file, { maxThreads: this.#maxThreads, idleTimeout: this.#idleTimeout });
      // A thread that dies between tasks is replaced by piscina; unhandled, the event would end the process.
      this.#pool.on('error', () => {});
    }
    return this.#pool;
  }

  #pump(): void {
    while (this.#running < this.#maxThreads) {
      const q = this.#interactive.shift() ?? (this.#runningBackground < this.threads ? this.#background.shift() : undefined);
      if (!q) return;
      this.#start(q);
    }
  }

  #start(q: Queued): void {
    this.#running++;
    if (q.background) this.#runningBackground++;
    const { signal, endThreadOnAbort, transferList } = q.opts;
    let run: Promise<Outcome<unknown>>;
    try {
      run = this.#piscina().run(q.task, { ...(transferList ? { transferList } : {}), ...(endThreadOnAbort && signal ? { signal } : {}) });
    } catch (err) {
      run = Promise.reject(err);
    }
    run
      .then(
        (out) => {
          if (out && typeof out === 'object' && 'ok' in out) {
            if (out.ok) q.resolve(out.value);
            else q.reject(new WeirError(toErrorCode(out.error.code, 'compute_failed'), out.error.message, { status: out.error.status, ...(out.error.path ? { path: out.error.path } : {}) }));
          } else q.reject(new WeirError('compute_failed', 'a compute worker returned no outcome', { status: 500 }));
        },
        (err: unknown) => {
          if (signal?.aborted) q.reject(abortError(signal));
          else if (this.#closed) q.reject(new WeirError('closing', 'the compute pool is shut down', { status: 503 }));
          else q.reject(new WeirError('compute_failed', `a compute worker failed: ${err instanceof Error ? err.message : String(err)}`, { status: 500, cause: err }));
        },
      )
      .finally(() => {
        if (q.onAbort) signal?.removeEventListener('abort', q.onAbort);
        this.#running--;
        if (q.background) this.#runningBackground--;
        this.#pump();
      });
  }
}
