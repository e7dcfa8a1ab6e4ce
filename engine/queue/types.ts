/**
 * Background work that outlives a request: async runs and ingestion jobs. A job is added once (its
 * id makes adding idempotent) and taken by one worker of any instance at a time. Without Redis the
 * queue lives in the store (store-queue.ts); with Redis it is BullMQ (bull-queue.ts). Callers see
 * one contract (queue-contract.ts), so nothing above this line knows which it has.
 *
 * The policy, the same on both:
 * - a handler that throws is tried again (after a short delay) until the queue's attempts are used
 *   up, then the job is given up as `failed`;
 * - an instance that dies while it holds a job (it stops renewing its lease) loses it: the job goes
 *   back to the queue for any instance, or is given up as `interrupted` once its attempts are used;
 * - a job that runs past its timeout has its signal aborted and is given up as `failed`
 *   (`job_timeout`), never retried;
 * - a graceful shutdown aborts the jobs it holds and hands them back without using an attempt;
 * - finished jobs are kept for the retention period, then deleted.
 * A job is completed only by the worker that holds it, so it never completes twice.
 */

export interface QueueSpec {
  /** The queue's name: `runs`, `ingest`. */
  name: string;
  /** Tries per job, deaths of the instance holding it included. */
  maxAttempts: number;
  /** Longest an attempt may run. */
  timeoutMs: number;
}

export interface JobContext {
  id: string;
  payload: unknown;
  /** 1 for the first try. */
  attempt: number;
  /**
   * Aborted when the job must stop: its timeout (reason: a WeirError `job_timeout`), a graceful
   * shutdown (`closing`: the job is handed back) or a lost lease (`job_lost`: another instance has it).
   */
  signal: AbortSignal;
}

export type JobHandler = (job: JobContext) => Promise<unknown>;

export interface GivenUp {
  id: string;
  payload: unknown;
  status: 'failed' | 'interrupted';
  error: { code: string; message: string };
}

export interface WorkOptions {
  /** Jobs this instance runs at once. */
  concurrency: number;
  /**
   * Called (on some instance, at least once) when a job ends without its handler's result: retries
   * used up, timed out or interrupted. The job's own record (a run, an ingestion job) is marked here.
   */
  onGiveUp(job: GivenUp): Promise<void>;
}

export interface WorkQueue {
  readonly kind: 'store' | 'bullmq';
  /** Adds a job; an id already added is not added again (created: false). */
  add(spec: QueueSpec, id: string, payload: unknown): Promise<{ created: boolean }>;
  /** This instance's workers start taking jobs of the queue. */
  work(spec: QueueSpec, handler: JobHandler, opts: WorkOptions): Promise<void>;
  /** Workers stop taking new jobs; those running go on. */
  pause(): Promise<void>;
  /**
   * Graceful stop: running jobs are aborted (`closing`) and handed back once their handlers return;
   * resolves when they have.
   */
  close(): Promise<void>;
}

/** The signal reasons a handler may see. */
export const CLOSING = 'closing';
export const JOB_LOST = 'job_lost';
