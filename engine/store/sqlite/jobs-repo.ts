import { type SQL, and, asc, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import { IMMEDIATE, type Db } from './db.ts';
import { jobs, type JobRecord } from './schema.ts';
import { JOB_INTERRUPTED_ERROR, JOB_TIMEOUT_ERROR, JOBS_LIST_LIMIT } from '../shared.ts';
import type { JobRow, Store } from '../types.ts';
import type { Sync } from './async.ts';

const toJob = (r: JobRecord): JobRow => r as JobRow;
const FINISHED = ['succeeded', 'failed', 'interrupted'] as const;

/**
 * The local job queue on SQLite. Every change of state is one UPDATE whose WHERE says who may make
 * it (the owner, an active job), so a late worker changes nothing; claims run in an IMMEDIATE
 * transaction, which holds the database's write lock from the first read: two connections (two
 * instances on one file) claim one after the other, never the same job.
 */
export function jobsRepo(db: Db): Sync<Store['jobs']> {
  const byId = db.select().from(jobs).where(eq(jobs.id, sql.placeholder('id'))).prepare();
  const get = (id: string): JobRow | undefined => {
    const r = byId.get({ id });
    return r && toJob(r);
  };
  const readyOne = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.queue, sql.placeholder('queue')), eq(jobs.status, 'queued'), lte(jobs.runAfter, sql.placeholder('now'))))
    .limit(1)
    .prepare();
  const held = (id: string, owner: string): SQL => and(eq(jobs.id, id), eq(jobs.status, 'active'), eq(jobs.owner, owner))!;

  return {
    enqueue: (job, now = Date.now()) =>
      db.transaction(() => {
        const inserted = db
          .insert(jobs)
          .values({
            id: job.id, queue: job.queue, payload: job.payload ?? null, status: 'queued', attempts: 0, maxAttempts: job.maxAttempts,
            runAfter: job.runAfter ?? now, timeoutMs: job.timeoutMs, createdAt: now,
          })
          .onConflictDoNothing()
          .returning()
          .all();
        return inserted[0] ? { job: toJob(inserted[0]), created: true } : { job: get(job.id)!, created: false };
      }, IMMEDIATE),
    claim: (queue, owner, leaseMs, now = Date.now()) =>
      // Idle workers poll: a plain read first, so an empty queue never takes the write lock (the
      // run writer's group commits would wait behind it).
      readyOne.get({ queue, now }) &&
      db.transaction(() => {
        const next = db
          .select({ id: jobs.id })
          .from(jobs)
          .where(and(eq(jobs.queue, queue), eq(jobs.status, 'queued'), lte(jobs.runAfter, now)))
          .orderBy(asc(jobs.runAfter), asc(jobs.createdAt), asc(jobs.id))
          .limit(1)
          .get();
        if (!next) return undefined;
        const [row] = db
          .update(jobs)
          .set({ status: 'active', owner, leaseUntil: now + leaseMs, attempts: sql`${jobs.attempts} + 1`, startedAt: now })
          .where(and(eq(jobs.id, next.id), eq(jobs.status, 'queued')))
          .returning()
          .all();
        return row && toJob(row);
      }, IMMEDIATE),
    heartbeat: (id, owner, leaseMs, now = Date.now()) =>
      db.update(jobs).set({ leaseUntil: now + leaseMs }).where(held(id, owner)).run().changes === 1,
    complete: (id, owner, result, now = Date.now()) =>
      db.update(jobs).set({ status: 'succeeded', result: result ?? null, error: null, leaseUntil: null, finishedAt: now }).where(held(id, owner)).run().changes === 1,
    fail: (id, owner, error, retryAfterMs = 0, now = Date.now()) => {
      const retry = sql`${jobs.attempts} < ${jobs.maxAttempts}`;
      return (
        db
          .update(jobs)
          .set({
            status: sql`case when ${retry} then 'queued' else 'failed' end`,
            owner: sql`case when ${retry} then null else ${jobs.owner} end`,
            runAfter: sql`case when ${retry} then ${now + retryAfterMs} else ${jobs.runAfter} end`,
            finishedAt: sql`case when ${retry} then null else ${now} end`,
            leaseUntil: null,
            error,
          })
          .where(held(id, owner))
          .run().changes === 1
      );
    },
    reclaimExpired: (now = Date.now(), queues) =>
      db.transaction(() => {
        const active = and(eq(jobs.status, 'active'), queues ? inArray(jobs.queue, queues) : undefined)!;
        // A timeout is final: the job ran (or hung) as long as it may, running it again would not help.
        const timedOut = db
          .update(jobs)
          .set({ status: 'failed', error: JOB_TIMEOUT_ERROR, leaseUntil: null, finishedAt: now })
          .where(and(active, lte(sql`${jobs.startedAt} + ${jobs.timeoutMs}`, now)))
          .returning()
          .all();
        const retry = sql`${jobs.attempts} < ${jobs.maxAttempts}`;
        const reclaimed = db
          .update(jobs)
          .set({
            status: sql`case when ${retry} then 'queued' else 'interrupted' end`,
            owner: sql`case when ${retry} then null else ${jobs.owner} end`,
            runAfter: sql`case when ${retry} then ${now} else ${jobs.runAfter} end`,
            finishedAt: sql`case when ${retry} then null else ${now} end`,
            leaseUntil: null,
            error: JOB_INTERRUPTED_ERROR,
          })
          .where(and(active, lt(jobs.leaseUntil, now)))
          .returning()
          .all();
        const interrupted = reclaimed.filter((r) => r.status === 'interrupted');
        return { requeued: reclaimed.length - interrupted.length, interrupted: interrupted.length, timedOut: timedOut.length, ended: [...timedOut, ...interrupted].map(toJob) };
      }, IMMEDIATE),
    release: (id, owner, now = Date.now()) =>
      db.update(jobs).set({ status: 'queued', owner: null, leaseUntil: null, runAfter: now, attempts: sql`${jobs.attempts} - 1` }).where(held(id, owner)).run().changes === 1,
    get,
    list: (queue, filter = {}) => {
      const asked = filter.limit !== undefined && Number.isFinite(filter.limit) ? Math.trunc(filter.limit) : JOBS_LIST_LIMIT.default;
      return db
        .select()
        .from(jobs)
        .where(and(eq(jobs.queue, queue), filter.status === undefined ? undefined : eq(jobs.status, filter.status)))
        .orderBy(desc(jobs.createdAt), desc(jobs.id))
        .limit(Math.min(Math.max(asked, 1), JOBS_LIST_LIMIT.max))
        .all()
        .map(toJob);
    },
    prune: (olderThanMs, now = Date.now()) =>
      db
        .delete(jobs)
        .where(and(inArray(jobs.status, [...FINISHED]), lt(jobs.finishedAt, now - olderThanMs)))
        .run().changes,
  };
}
