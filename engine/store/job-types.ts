/** The job queue's rows and the store port behind the local queue. */

/** A background job's state: queued → active → succeeded | failed | interrupted (or back to queued to retry). */
export type JobStatus = 'queued' | 'active' | 'succeeded' | 'failed' | 'interrupted';

export interface JobError {
  code: string;
  message: string;
}

/** A job of the store's queue (the local queue: the one used when no Redis is configured). */
export interface JobRow {
  /** Given by the caller: enqueueing the same id again is a no-op. */
  id: string;
  queue: string;
  payload: unknown;
  status: JobStatus;
  /** Claims so far (the current one included while active). */
  attempts: number;
  maxAttempts: number;
  /** The instance holding the job while it is active (kept once it is finished: who finished it). */
  owner: string | null;
  /** While active: the owner holds the job until then, unless it heartbeats. */
  leaseUntil: number | null;
  /** Not claimed before this time (a retry's backoff). */
  runAfter: number;
  /** Longest an attempt may run, from its claim. */
  timeoutMs: number;
  result: unknown;
  /** The last attempt's error (also kept on a job queued again for a retry). */
  error: JobError | null;
  createdAt: number;
  /** When the latest attempt was claimed. */
  startedAt: number | null;
  finishedAt: number | null;
}

export interface NewJob {
  id: string;
  queue: string;
  payload: unknown;
  maxAttempts: number;
  timeoutMs: number;
  /** Not before this time (default: now). */
  runAfter?: number;
}


/**
 * The durable local queue. Several instances may share it: a job is held by one owner at a time
 * under a lease the owner renews (`heartbeat`); only the holder may finish it, so a job whose
 * owner lost it (lease expired and taken over) is never finished twice. `now` arguments default
 * to Date.now() (tests pass their own).
 */
export interface JobsPort {
  /** Adds a queued job; an id already stored returns that job (`created: false`), never a second one. */
  enqueue(job: NewJob, now?: number): Promise<{ job: JobRow; created: boolean }>;
  /**
   * Atomically takes the oldest queued job of `queue` whose run_after has come (by run_after, then
   * creation): active, owned by `owner` until now + leaseMs, attempts + 1. Two instances claiming
   * at once never get the same job. Undefined when none is ready.
   */
  claim(queue: string, owner: string, leaseMs: number, now?: number): Promise<JobRow | undefined>;
  /** Extends the lease to now + leaseMs if `owner` still holds the job; false: it was taken over, stop working on it. */
  heartbeat(id: string, owner: string, leaseMs: number, now?: number): Promise<boolean>;
  /** Marks the job succeeded with `result`, if `owner` still holds it; false otherwise (nothing changes). */
  complete(id: string, owner: string, result: unknown, now?: number): Promise<boolean>;
  /**
   * Records a failed attempt, if `owner` still holds the job: queued again (not before now +
   * retryAfterMs, default 0) while attempts < maxAttempts, otherwise `failed`. False if not the holder.
   */
  fail(id: string, owner: string, error: JobError, retryAfterMs?: number, now?: number): Promise<boolean>;
  /**
   * For jobs whose owner is gone or too slow. An active job past its timeout (startedAt + timeoutMs
   * <= now) is `failed` with `job_timeout` (not retried). An active job whose lease has expired
   * (leaseUntil < now: its owner stopped heartbeating) is queued again while attempts < maxAttempts,
   * otherwise marked `interrupted` (error code `interrupted`). Returns how many of each, and the
   * jobs that ended (timed out or interrupted) so their records can be marked. With `queues`, only
   * jobs of those (an instance reclaims only what it can mark).
   */
  reclaimExpired(now?: number, queues?: string[]): Promise<{ requeued: number; interrupted: number; timedOut: number; ended: JobRow[] }>;
  /**
   * Hands an active job back (a graceful shutdown): queued again at once, without counting the
   * attempt, if `owner` still holds it. False otherwise.
   */
  release(id: string, owner: string, now?: number): Promise<boolean>;
  get(id: string): Promise<JobRow | undefined>;
  /** Jobs of a queue, newest first (limit: default 50, at most 500). */
  list(queue: string, filter?: { status?: JobStatus; limit?: number }): Promise<JobRow[]>;
  /** Bounded retention: deletes finished jobs (succeeded, failed, interrupted) finished before now - olderThanMs; returns how many. */
  prune(olderThanMs: number, now?: number): Promise<number>;
}
