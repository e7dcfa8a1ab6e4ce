import { NodeTimeoutError, WeirError } from '../errors.ts';
import { sandboxPool } from './sandbox-pool.ts';
import { failureError, SliceExhausted, type PostedTask, type SandboxOutcome, type SandboxTask } from './sandbox-task.ts';

/**
 * One budgeted evaluation (a JSONata expression, a template render) must never hold the event loop
 * past a small slice nor run past its budget:
 * 1. the caller runs it in-process under its kind's slice (a few ms, a step count, a size); that
 *    answers in the common case, with no thread hop, or throws SliceExhausted;
 * 2. `continueOnWorker` then runs the same pure evaluation as a task on a sandbox worker with the
 *    rest of the budget; at the budget, or when `signal` aborts (run cancelled, the executor's node
 *    timeout), the worker's thread is ended (piscina terminates a thread whose task is aborted while
 *    it runs): ending the thread is the only way to stop synchronous work.
 *
 *   const started = Date.now();
 *   return evaluateSlice(expr, input).then(undefined, (err) => continueOnWorker(err, started, { … }));
 *
 * A synchronous kind (a template render under `{ maxSteps, deadline }`) does the same with
 * try/catch, turning its own "slice ran out" error (template_budget with limit 'steps' or
 * 'deadline') into SliceExhausted before calling `continueOnWorker`.
 *
 * The job is made only when the slice ran out: the in-process evaluation of a trivial expression
 * takes ~2 µs, and an object of four closures made per call measured ~1.5 µs more (under tsx).
 */
export interface WorkerJob<R> {
  /** The node whose budget this is: the timeout error names it. */
  node: string;
  /** The whole budget in ms, in-process slice included. */
  budgetMs: number;
  /** What the worker runs: a kind and a serialisable payload. */
  task: SandboxTask;
  /** Ends the worker early (run cancelled, the executor's node timeout). */
  signal: AbortSignal;
  /** The worker's answer as the caller's value (e.g. parse the JSON a JSONata worker returns). */
  fromWorker: (value: unknown) => R;
}

/**
 * After an in-process attempt failed with `err`: a real failure is rethrown; a spent slice goes on
 * as a worker task with what is left of the budget counted from `started` (Date.now()).
 */
export function continueOnWorker<R>(err: unknown, started: number, job: WorkerJob<R>): Promise<R> {
  if (!(err instanceof SliceExhausted)) return Promise.reject(err);
  const left = job.budgetMs - (Date.now() - started);
  if (left <= 0) return Promise.reject(new NodeTimeoutError(job.node, job.budgetMs));
  return runOnWorker(job.task, job.node, job.budgetMs, left, job.signal).then(job.fromWorker);
}

/** Runs a task on the sandbox pool; ends its thread after `leftMs` or when `signal` aborts. */
export async function runOnWorker(task: SandboxTask, node: string, budgetMs: number, leftMs: number, signal: AbortSignal): Promise<unknown> {
  signal.throwIfAborted();
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new NodeTimeoutError(node, budgetMs)), leftMs);
  const onAbort = () => ctl.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const posted: PostedTask = { ...task, deadline: Date.now() + leftMs };
  try {
    const outcome = (await sandboxPool().run(posted, { signal: ctl.signal })) as SandboxOutcome;
    if (outcome.ok) return outcome.value;
    const err = failureError(outcome.failure);
    throw err.code === 'sandbox_timeout' ? new NodeTimeoutError(node, budgetMs) : err;
  } catch (err) {
    // piscina rejects an aborted task with its own AbortError; the reason is ours.
    if (ctl.signal.aborted) throw ctl.signal.reason;
    if (err instanceof WeirError) throw err;
    throw workerEnded(err);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** The worker's thread died under the task (out of memory, a crash): the task failed, not the server. */
function workerEnded(err: unknown): WeirError {
  const code = (err as { code?: string } | undefined)?.code;
  if (err instanceof Error && err.name === 'DataCloneError') {
    return new WeirError('sandbox_input', `the values could not be handed to a sandbox thread: ${err.message}`, { cause: err });
  }
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new WeirError('sandbox_out_of_memory', 'the evaluation used more memory than a sandbox thread has and was stopped', { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new WeirError('sandbox_failed', `the sandbox thread running the evaluation ended: ${message}`, { cause: err, status: 500 });
}
