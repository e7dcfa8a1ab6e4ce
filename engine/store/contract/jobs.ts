import { describe, expect, it } from 'vitest';
import type { NewJob } from '../types.ts';
import type { StoreContext } from './index.ts';

const T0 = 1_700_000_000_000;
const LEASE = 30_000;
const job = (id: string, over: Partial<NewJob> = {}): NewJob => ({ id, queue: 'runs', payload: { id }, maxAttempts: 3, timeoutMs: 600_000, ...over });

export function jobsContract(ctx: StoreContext): void {
  describe('jobs', () => {
    it('enqueues once per id: enqueueing an id again returns the stored job', async () => {
      const store = ctx.store;
      const first = await store.jobs.enqueue(job('j1', { payload: { n: 1 } }), T0);
      expect(first.created).toBe(true);
      expect(first.job).toEqual({
        id: 'j1', queue: 'runs', payload: { n: 1 }, status: 'queued', attempts: 0, maxAttempts: 3, owner: null, leaseUntil: null,
        runAfter: T0, timeoutMs: 600_000, result: null, error: null, createdAt: T0, startedAt: null, finishedAt: null,
      });
      const again = await store.jobs.enqueue(job('j1', { payload: { n: 2 }, queue: 'other' }), T0 + 5);
      expect(again).toEqual({ job: first.job, created: false });
      // Also once the job has been claimed: the second enqueue does not make it run again.
      await store.jobs.claim('runs', 'a', LEASE, T0 + 10);
      const third = await store.jobs.enqueue(job('j1'), T0 + 20);
      expect(third.created).toBe(false);
      expect(third.job.status).toBe('active');
      expect(await store.jobs.list('runs')).toHaveLength(1);
      expect(await store.jobs.get('nope')).toBeUndefined();
    });

    it('claims the oldest ready job of its queue first, and none before its run_after', async () => {
      const store = ctx.store;
      // Ids sort against the order of creation: the order is by time, not by id.
      await store.jobs.enqueue(job('c'), T0);
      await store.jobs.enqueue(job('b'), T0 + 1);
      await store.jobs.enqueue(job('a', { runAfter: T0 + 1_000 }), T0 + 2);
      await store.jobs.enqueue(job('z', { queue: 'ingest' }), T0 - 100);

      const first = await store.jobs.claim('runs', 'inst-1', LEASE, T0 + 10);
      expect(first).toMatchObject({ id: 'c', status: 'active', owner: 'inst-1', attempts: 1, leaseUntil: T0 + 10 + LEASE, startedAt: T0 + 10 });
      // A claim takes one job, no more.
      expect((await store.jobs.list('runs', { status: 'queued' })).map((j) => j.id).sort()).toEqual(['a', 'b']);
      expect((await store.jobs.claim('runs', 'inst-1', LEASE, T0 + 10))?.id).toBe('b');
      expect(await store.jobs.claim('runs', 'inst-1', LEASE, T0 + 999)).toBeUndefined();
      expect((await store.jobs.claim('runs', 'inst-1', LEASE, T0 + 1_000))?.id).toBe('a');
      expect(await store.jobs.claim('runs', 'inst-1', LEASE, T0 + 2_000)).toBeUndefined();
      expect((await store.jobs.claim('ingest', 'inst-1', LEASE, T0))?.id).toBe('z');
      expect(await store.jobs.get('c')).toEqual(first);
    });

    it('two instances claiming at once get disjoint jobs that cover them all', async () => {
      const a = ctx.store;
      const b = await ctx.another();
      const ids = Array.from({ length: 20 }, (_, i) => `job-${String(i).padStart(2, '0')}`);
      for (const [i, id] of ids.entries()) await a.jobs.enqueue(job(id), T0 + i);
      const claimer = async (store: typeof a, owner: string): Promise<string[]> => {
        const got: string[] = [];
        for (let j = await store.jobs.claim('runs', owner, LEASE, T0 + 100); j; j = await store.jobs.claim('runs', owner, LEASE, T0 + 100)) {
          expect(j.owner).toBe(owner);
          got.push(j.id);
        }
        return got;
      };
      const [fromA, fromB] = await Promise.all([claimer(a, 'inst-a'), claimer(b, 'inst-b')]);
      expect(fromA.filter((id) => fromB.includes(id))).toEqual([]);
      expect([...fromA, ...fromB].sort()).toEqual(ids);
      const active = await b.jobs.list('runs', { status: 'active', limit: 100 });
      expect(active).toHaveLength(20);
      for (const j of active) expect(j.attempts).toBe(1);
    });

    it('only the owner heartbeats, completes or fails a job, and not after it was taken over', async () => {
      const store = ctx.store;
      await store.jobs.enqueue(job('j', { maxAttempts: 2 }), T0);
      await store.jobs.claim('runs', 'a', LEASE, T0);
      expect(await store.jobs.heartbeat('j', 'b', LEASE, T0 + 1_000)).toBe(false);
      expect(await store.jobs.complete('j', 'b', 'x', T0 + 1_000)).toBe(false);
      expect(await store.jobs.fail('j', 'b', { code: 'x', message: 'x' }, 0, T0 + 1_000)).toBe(false);
      expect(await store.jobs.heartbeat('nope', 'a', LEASE, T0 + 1_000)).toBe(false);
      expect(await store.jobs.heartbeat('j', 'a', LEASE, T0 + 1_000)).toBe(true);
      expect((await store.jobs.get('j'))?.leaseUntil).toBe(T0 + 1_000 + LEASE);

      // `a` stops heartbeating; its lease runs out, the job goes back to the queue and `b` takes it.
      expect(await store.jobs.reclaimExpired(T0 + 1_000 + LEASE)).toEqual({ requeued: 0, interrupted: 0, timedOut: 0, ended: [] });
      expect(await store.jobs.reclaimExpired(T0 + 1_001 + LEASE)).toEqual({ requeued: 1, interrupted: 0, timedOut: 0, ended: [] });
      expect(await store.jobs.claim('runs', 'b', LEASE, T0 + 2_000 + LEASE)).toMatchObject({ id: 'j', owner: 'b', attempts: 2 });
      // `a` comes back: it may neither keep, finish nor fail the job any more.
      expect(await store.jobs.heartbeat('j', 'a', LEASE, T0 + 2_001 + LEASE)).toBe(false);
      expect(await store.jobs.complete('j', 'a', 'from a', T0 + 2_001 + LEASE)).toBe(false);
      expect(await store.jobs.fail('j', 'a', { code: 'x', message: 'x' }, 0, T0 + 2_001 + LEASE)).toBe(false);
      expect(await store.jobs.complete('j', 'b', 'from b', T0 + 3_000 + LEASE)).toBe(true);
      expect(await store.jobs.get('j')).toMatchObject({ status: 'succeeded', owner: 'b', result: 'from b', error: null, leaseUntil: null, finishedAt: T0 + 3_000 + LEASE });
      // Finished: nothing changes it again, not even its owner.
      expect(await store.jobs.complete('j', 'b', 'again', T0 + 4_000 + LEASE)).toBe(false);
      expect(await store.jobs.fail('j', 'b', { code: 'x', message: 'x' }, 0, T0 + 4_000 + LEASE)).toBe(false);
      expect(await store.jobs.heartbeat('j', 'b', LEASE, T0 + 4_000 + LEASE)).toBe(false);
      expect((await store.jobs.get('j'))?.result).toBe('from b');
    });

    it('a failed attempt is retried after its delay until max attempts, then the job is failed', async () => {
      const store = ctx.store;
      await store.jobs.enqueue(job('j', { maxAttempts: 2 }), T0);
      await store.jobs.claim('runs', 'a', LEASE, T0);
      expect(await store.jobs.fail('j', 'a', { code: 'boom', message: 'first' }, 5_000, T0 + 100)).toBe(true);
      expect(await store.jobs.get('j')).toMatchObject({
        status: 'queued', attempts: 1, owner: null, leaseUntil: null, runAfter: T0 + 5_100, error: { code: 'boom', message: 'first' }, finishedAt: null,
      });
      expect(await store.jobs.claim('runs', 'b', LEASE, T0 + 5_099)).toBeUndefined();
      expect(await store.jobs.claim('runs', 'b', LEASE, T0 + 5_100)).toMatchObject({ id: 'j', attempts: 2, owner: 'b' });
      expect(await store.jobs.fail('j', 'b', { code: 'boom', message: 'second' }, 5_000, T0 + 6_000)).toBe(true);
      expect(await store.jobs.get('j')).toMatchObject({ status: 'failed', attempts: 2, owner: 'b', leaseUntil: null, error: { code: 'boom', message: 'second' }, finishedAt: T0 + 6_000 });
      expect(await store.jobs.claim('runs', 'b', LEASE, T0 + 100_000)).toBeUndefined();
    });

    it('a job whose owner died is queued again, and interrupted once its attempts are used up', async () => {
      const store = ctx.store;
      await store.jobs.enqueue(job('j', { maxAttempts: 2 }), T0);
      await store.jobs.enqueue(job('other', { queue: 'ingest' }), T0 + 1);
      await store.jobs.claim('runs', 'a', LEASE, T0);
      expect(await store.jobs.reclaimExpired(T0 + LEASE + 1)).toEqual({ requeued: 1, interrupted: 0, timedOut: 0, ended: [] });
      expect(await store.jobs.get('j')).toMatchObject({ status: 'queued', attempts: 1, owner: null, leaseUntil: null, runAfter: T0 + LEASE + 1, finishedAt: null });
      expect(await store.jobs.get('other')).toMatchObject({ status: 'queued', attempts: 0 });
      // Reclaiming for other queues only leaves it be.
      expect(await store.jobs.claim('ingest', 'a', LEASE, T0 + LEASE + 1)).toMatchObject({ id: 'other' });
      expect(await store.jobs.reclaimExpired(T0 + 3 * LEASE, ['runs'])).toMatchObject({ requeued: 0 });
      expect(await store.jobs.get('other')).toMatchObject({ status: 'active', owner: 'a' });
      expect(await store.jobs.reclaimExpired(T0 + 3 * LEASE, ['ingest'])).toMatchObject({ requeued: 1 });

      expect(await store.jobs.claim('runs', 'b', LEASE, T0 + LEASE + 2)).toMatchObject({ id: 'j', attempts: 2 });
      const end = T0 + 2 * LEASE + 3;
      const reclaimed = await store.jobs.reclaimExpired(end);
      expect(reclaimed).toMatchObject({ requeued: 0, interrupted: 1, timedOut: 0 });
      const j = await store.jobs.get('j');
      expect(reclaimed.ended).toEqual([j]);
      expect(j).toMatchObject({ status: 'interrupted', attempts: 2, leaseUntil: null, finishedAt: end });
      expect(j?.error?.code).toBe('interrupted');
      expect(j?.error?.message).toEqual(expect.any(String));
      expect(await store.jobs.complete('j', 'b', 'late', end + 1)).toBe(false);
      expect(await store.jobs.reclaimExpired(end + 10 * LEASE)).toEqual({ requeued: 0, interrupted: 0, timedOut: 0, ended: [] });
    });

    it('a job still active past its timeout is failed with job_timeout, heartbeats or not', async () => {
      const store = ctx.store;
      await store.jobs.enqueue(job('slow', { timeoutMs: 10_000 }), T0);
      await store.jobs.claim('runs', 'a', LEASE, T0);
      expect(await store.jobs.heartbeat('slow', 'a', LEASE, T0 + 9_000)).toBe(true);
      expect(await store.jobs.reclaimExpired(T0 + 9_999)).toEqual({ requeued: 0, interrupted: 0, timedOut: 0, ended: [] });
      const reclaimed = await store.jobs.reclaimExpired(T0 + 10_000);
      expect(reclaimed).toMatchObject({ requeued: 0, interrupted: 0, timedOut: 1 });
      const j = await store.jobs.get('slow');
      expect(reclaimed.ended).toEqual([j]);
      expect(j).toMatchObject({ status: 'failed', attempts: 1, leaseUntil: null, finishedAt: T0 + 10_000 });
      expect(j?.error?.code).toBe('job_timeout');
      // The worker learns at its next heartbeat that the job is no longer its own.
      expect(await store.jobs.heartbeat('slow', 'a', LEASE, T0 + 10_001)).toBe(false);
      expect(await store.jobs.complete('slow', 'a', 'late', T0 + 10_001)).toBe(false);
    });

    it('a job handed back is queued again at once without using an attempt, by its holder only', async () => {
      const store = ctx.store;
      await store.jobs.enqueue(job('j', { maxAttempts: 1 }), T0);
      await store.jobs.claim('runs', 'a', LEASE, T0);
      expect(await store.jobs.release('j', 'b', T0 + 1)).toBe(false);
      expect(await store.jobs.release('j', 'a', T0 + 2)).toBe(true);
      expect(await store.jobs.get('j')).toMatchObject({ status: 'queued', attempts: 0, owner: null, leaseUntil: null, runAfter: T0 + 2 });
      expect(await store.jobs.release('j', 'a', T0 + 3)).toBe(false);
      // Its one attempt is still there: a death now makes it interrupted, not retried.
      expect(await store.jobs.claim('runs', 'b', LEASE, T0 + 3)).toMatchObject({ id: 'j', attempts: 1 });
      expect(await store.jobs.reclaimExpired(T0 + LEASE + 4)).toMatchObject({ requeued: 0, interrupted: 1 });
    });

    it('prunes only finished jobs older than the retention', async () => {
      const store = ctx.store;
      for (const id of ['ok-old', 'failed-old', 'int-old', 'ok-new', 'active', 'queued']) await store.jobs.enqueue(job(id, { maxAttempts: 1 }), T0);
      const claimOne = async (owner: string) => (await store.jobs.claim('runs', owner, LEASE, T0))!.id;
      // Claims go in order of creation (all at T0): by id.
      const order = ['active', 'failed-old', 'int-old', 'ok-new', 'ok-old'];
      for (const id of order) expect(await claimOne(id)).toBe(id);
      await store.jobs.complete('ok-old', 'ok-old', 1, T0 + 1_000);
      await store.jobs.fail('failed-old', 'failed-old', { code: 'x', message: 'x' }, 0, T0 + 1_000);
      await store.jobs.heartbeat('active', 'active', 10 * LEASE, T0 + 1_000);
      await store.jobs.heartbeat('ok-new', 'ok-new', 10 * LEASE, T0 + 1_000);
      expect(await store.jobs.reclaimExpired(T0 + LEASE + 1)).toMatchObject({ interrupted: 1 });
      await store.jobs.complete('ok-new', 'ok-new', 2, T0 + 100_000);

      expect(await store.jobs.prune(50_000, T0 + 100_000)).toBe(3);
      const left = (await store.jobs.list('runs')).map((j) => j.id).sort();
      expect(left).toEqual(['active', 'ok-new', 'queued']);
      expect(await store.jobs.prune(50_000, T0 + 100_000)).toBe(0);
    });

    it('lists a queue newest first, by status, within the limit', async () => {
      const store = ctx.store;
      for (let i = 0; i < 5; i++) await store.jobs.enqueue(job(`j${i}`), T0 + i);
      await store.jobs.enqueue(job('elsewhere', { queue: 'ingest' }), T0 + 10);
      await store.jobs.claim('runs', 'a', LEASE, T0 + 20);
      expect((await store.jobs.list('runs')).map((j) => j.id)).toEqual(['j4', 'j3', 'j2', 'j1', 'j0']);
      expect((await store.jobs.list('runs', { limit: 2 })).map((j) => j.id)).toEqual(['j4', 'j3']);
      expect((await store.jobs.list('runs', { status: 'active' })).map((j) => j.id)).toEqual(['j0']);
      expect((await store.jobs.list('runs', { status: 'queued', limit: 0 })).map((j) => j.id)).toEqual(['j4']);
      expect((await store.jobs.list('ingest')).map((j) => j.id)).toEqual(['elsewhere']);
    });

    it('keeps payloads and results as given, strings and nulls included, across a restart', async () => {
      const values: unknown[] = ['plain text', '{"looks":"like json"}', '', 42, 0, true, false, null, [1, 'two', { three: 3 }], { nested: { a: [null, 'é\u0000'] }, z: 1, a: 2 }];
      for (const [i, value] of values.entries()) {
        await ctx.store.jobs.enqueue(job(`v${i}`, { payload: value }), T0 + i);
        await ctx.store.jobs.claim('runs', 'a', LEASE, T0 + 100);
        expect(await ctx.store.jobs.complete(`v${i}`, 'a', value, T0 + 200)).toBe(true);
      }
      const store = await ctx.reopen();
      for (const [i, value] of values.entries()) {
        const j = await store.jobs.get(`v${i}`);
        expect(j?.payload, `payload ${JSON.stringify(value)}`).toEqual(value);
        expect(j?.result, `result ${JSON.stringify(value)}`).toEqual(value);
      }
      // Key order as written.
      expect(Object.keys((await store.jobs.get(`v${values.length - 1}`))!.payload as object)).toEqual(['nested', 'z', 'a']);
    });
  });
}
