import { type SQL, and, asc, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import { bytewise, type Db } from './db.ts';
import { jobs, type JobRecord } from './schema.ts';
import { JOB_INTERRUPTED_ERROR, JOB_TIMEOUT_ERROR, JOBS_LIST_LIMIT } from '../shared.ts';
import type { JobRow, Store } from '../types.ts';

const toJob = (r: JobRecord): JobRow => r as JobRow;
const FINISHED = ['succeeded', 'failed', 'interrupted'] as const;

/**
 * The local job queue on Postgres, shared by every instance on the database. Every change of state
 * is one UPDATE whose WHERE says who may make it (the owner, an active job); Postgres re-checks
 * that WHERE on a row another transaction changed meanwhile, so a late worker changes nothing. A
 * claim picks its job with `FOR UPDATE SKIP LOCKED`: instances claiming at once each lock a
 * different row instead of waiting on (or taking) the same one.
 */
export function jobsRepo(db: Db): Store['jobs'] {
  const byId = db.select().from(jobs).where(eq(jobs.id, sql.placeholder('id'))).prepare('weir_job_by_id');
  const get = async (id: string): Promise<JobRow | undefined> => {
    const [r] = await byId.execute({ id });
    return r && toJob(r);
  };
  const held = (id: string, owner: string): SQL => and(eq(jobs.id, id), eq(jobs.status, 'active'), eq(jobs.owner, owner))!;
  const retry = sql`${jobs.attempts} < ${jobs.maxAttempts}`;

  return {
    enqueue: async (job, now = Date.now()) => {
      const [inserted] = await db
        .insert(jobs)
        .values({
          id: job.id, queue: job.queue, payload: job.payload ?? null, status: 'queued', attempts: 0, maxAttempts: job.maxAttempts,
          runAfter: job.runAfter ?? now, timeoutMs: job.timeoutMs, createdAt: now,
        })
        .onConflictDoNothing({ target: jobs.id })
        .returning();
      // ON CONFLICT waits for a concurrent insert of the same id to commit, so the row is there to read.
      return inserted ? { job: toJob(inserted), created: true } : { job: (await get(job.id))!, created: false };
    },
    claim: async (queue, owner, leaseMs, now = Date.now()) => {
      const next = db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.queue, queue), eq(jobs.status, 'queued'), lte(jobs.runAfter, now)))
        .orderBy(asc(jobs.runAfter), asc(jobs.createdAt), asc(bytewise(jobs.id)))
        .limit(1)
        .for('update', { skipLocked: true });
      const [row] = await db
        .update(jobs)
        .set({ status: 'active', owner, leaseUntil: now + leaseMs, attempts: sql`${jobs.attempts} + 1`, startedAt: now })
        // `= (select …)`, not `in (select …)`: a scalar subquery runs once, where `in` may be planned
        // as a semi join that runs it again per row, skipping the row this very update just changed and
        // so claiming a second job.
        .where(and(eq(jobs.id, sql`(${next})`), eq(jobs.status, 'queued')))
        .returning();
      return row && toJob(row);
    },
    heartbeat: async (id, owner, leaseMs, now = Date.now()) =>
      ((await db.update(jobs).set({ leaseUntil: now + leaseMs }).where(held(id, owner))).rowCount ?? 0) === 1,
    complete: async (id, owner, result, now = Date.now()) =>
      ((await db.update(jobs).set({ status: 'succeeded', result: result ?? null, error: null, leaseUntil: null, finishedAt: now }).where(held(id, owner))).rowCount ?? 0) === 1,
    fail: async (id, owner, error, retryAfterMs = 0, now = Date.now()) => {
      const result = await db
        .update(jobs)
        .set({
          status: sql`case when ${retry} then 'queued' else 'failed' end`,
          owner: sql`case when ${retry} then null else ${jobs.owner} end`,
          runAfter: sql`case when ${retry} then ${now + retryAfterMs}::bigint else ${jobs.runAfter} end`,
          finishedAt: sql`case when ${retry} then null else ${now}::bigint end`,
          leaseUntil: null,
          error,
        })
        .where(held(id, owner));
      return (result.rowCount ?? 0) === 1;
    },
    reclaimExpired: async (now = Date.now(), queues) => {
      const active = and(eq(jobs.status, 'active'), queues ? inArray(jobs.queue, queues) : undefined)!;
      // A timeout is final: the job ran (or hung) as long as it may, running it again would not help.
      const timedOut = await db
        .update(jobs)
        .set({ status: 'failed', error: JOB_TIMEOUT_ERROR, leaseUntil: null, finishedAt: now })
        .where(and(active, lte(sql`${jobs.startedAt} + ${jobs.timeoutMs}`, now)))
        .returning();
      const reclaimed = await db
        .update(jobs)
        .set({
          status: sql`case when ${retry} then 'queued' else 'interrupted' end`,
          owner: sql`case when ${retry} then null else ${jobs.owner} end`,
          runAfter: sql`case when ${retry} then ${now}::bigint else ${jobs.runAfter} end`,
          finishedAt: sql`case when ${retry} then null else ${now}::bigint end`,
          leaseUntil: null,
          error: JOB_INTERRUPTED_ERROR,
        })
        .where(and(active, lt(jobs.leaseUntil, now)))
        .returning();
      const interrupted = reclaimed.filter((r) => r.status === 'interrupted');
      return { requeued: reclaimed.length - interrupted.length, interrupted: interrupted.length, timedOut: timedOut.length, ended: [...timedOut, ...interrupted].map(toJob) };
    },
    release: async (id, owner, now = Date.now()) =>
      ((await db.update(jobs).set({ status: 'queued', owner: null, leaseUntil: null, runAfter: now, attempts: sql`${jobs.attempts} - 1` }).where(held(id, owner))).rowCount ?? 0) === 1,
    get,
    list: async (queue, filter = {}) => {
      const asked = filter.limit !== undefined && Number.isFinite(filter.limit) ? Math.trunc(filter.limit) : JOBS_LIST_LIMIT.default;
      const rows = await db
        .select()
        .from(jobs)
        .where(and(eq(jobs.queue, queue), filter.status === undefined ? undefined : eq(jobs.status, filter.status)))
        .orderBy(desc(jobs.createdAt), desc(bytewise(jobs.id)))
        .limit(Math.min(Math.max(asked, 1), JOBS_LIST_LIMIT.max));
      return rows.map(toJob);
    },
    prune: async (olderThanMs, now = Date.now()) =>
      (await db.delete(jobs).where(and(inArray(jobs.status, [...FINISHED]), lt(jobs.finishedAt, now - olderThanMs)))).rowCount ?? 0,
  };
}
