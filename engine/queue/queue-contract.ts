import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GivenUp, JobContext, QueueSpec, WorkQueue } from './types.ts';

/** A queue a test can kill as SIGKILL would: it stops renewing and finishing what it holds. */
export type TestQueue = WorkQueue & { abandon(): void | Promise<void> };

/**
 * What every WorkQueue does, run against each implementation (store-queue.test.ts,
 * bull-queue.redis.test.ts). `make` opens another queue on the same backend each call — another
 * instance. Leases are short (the factory's), so a dead instance's job moves within a second or
 * two; nothing here measures time, tests poll for the state they wait for.
 */
export function queueContract(name: string, make: () => Promise<TestQueue>): void {
  describe(`${name} queue`, () => {
    const opened: TestQueue[] = [];
    const open = async () => {
      const q = await make();
      opened.push(q);
      return q;
    };
    const hanging: (() => void)[] = [];
    afterEach(async () => {
      for (const release of hanging.splice(0)) release();
      await Promise.all(opened.splice(0).map((q) => q.close()));
    });
    const poll = { timeout: 20_000, interval: 20 };
    /** Each test its own queue name: queues sharing a backend never see each other's jobs (job ids are unique across queues, too). */
    const spec = (o: Partial<QueueSpec> = {}): QueueSpec => ({ name: `q-${randomUUID().slice(0, 8)}`, maxAttempts: 2, timeoutMs: 60_000, ...o });
    const givenUp = () => {
      const got: GivenUp[] = [];
      return { got, onGiveUp: async (g: GivenUp) => void got.push(g) };
    };
    /** Resolves when `signal` aborts, with its reason's code (and never otherwise). */
    const aborted = (signal: AbortSignal) => new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve((signal.reason as { code: string }).code), { once: true }));

    it('runs a job once with its payload; adding the same id again adds nothing', async () => {
      const q = await open();
      const s = spec();
      const seen: JobContext[] = [];
      const g = givenUp();
      await q.work(s, async (job) => void seen.push(job), { concurrency: 2, onGiveUp: g.onGiveUp });
      expect(await q.add(s, 'job-1', { hello: ['world'] })).toEqual({ created: true });
      await vi.waitFor(() => expect(seen).toHaveLength(1), poll);
      expect(seen[0]).toMatchObject({ id: 'job-1', payload: { hello: ['world'] }, attempt: 1 });
      expect(await q.add(s, 'job-1', { other: true })).toEqual({ created: false });
      await q.add(s, 'marker', null);
      await vi.waitFor(() => expect(seen.map((j) => j.id)).toEqual(['job-1', 'marker']), poll);
      expect(g.got).toEqual([]);
    });

    it('runs at most `concurrency` jobs at once on an instance, and every job exactly once across instances', async () => {
      const [a, b] = [await open(), await open()];
      const s = spec();
      const handled: string[] = [];
      let now = 0;
      let most = 0;
      const handler = (who: string) => async (job: JobContext) => {
        now++;
        most = Math.max(most, now);
        await new Promise((r) => setTimeout(r, 30));
        now--;
        handled.push(`${who}:${job.id}`);
      };
      const g = givenUp();
      await a.work(s, handler('a'), { concurrency: 2, onGiveUp: g.onGiveUp });
      await b.work(s, handler('b'), { concurrency: 1, onGiveUp: g.onGiveUp });
      const ids = Array.from({ length: 20 }, (_, i) => `j${String(i).padStart(2, '0')}`);
      for (const id of ids) await a.add(s, id, null);
      await vi.waitFor(() => expect(handled).toHaveLength(20), poll);
      expect(handled.map((h) => h.split(':')[1]).sort()).toEqual(ids);
      expect(most).toBeLessThanOrEqual(3);
      await new Promise((r) => setTimeout(r, 200));
      expect(handled).toHaveLength(20);
      expect(g.got).toEqual([]);
    });

    it('tries a throwing handler again until the attempts are used up, then gives the job up as failed', async () => {
      const q = await open();
      const s = spec({ maxAttempts: 3 });
      const attempts: number[] = [];
      const g = givenUp();
      await q.work(s, async (job) => {
        attempts.push(job.attempt);
        throw Object.assign(new Error(`boom ${job.attempt}`), {});
      }, { concurrency: 1, onGiveUp: g.onGiveUp });
      await q.add(s, 'bad', { n: 1 });
      await vi.waitFor(() => expect(g.got).toHaveLength(1), poll);
      expect(attempts).toEqual([1, 2, 3]);
      expect(g.got[0]).toMatchObject({ id: 'bad', payload: { n: 1 }, status: 'failed', error: { message: 'boom 3' } });
    });

    it('hands the job of an instance that died to another, and gives it up as interrupted once attempts are used up', async () => {
      const [a, b] = [await open(), await open()];
      const s = spec({ maxAttempts: 2 });
      const started: string[] = [];
      const g = givenUp();
      // Every attempt hangs until its instance dies.
      const hang = (who: string) => async (job: JobContext) => {
        started.push(`${who}:${job.attempt}`);
        await new Promise<void>((r) => hanging.push(r));
      };
      await a.work(s, hang('a'), { concurrency: 1, onGiveUp: g.onGiveUp });
      await a.add(s, 'long', null);
      await vi.waitFor(() => expect(started).toEqual(['a:1']), poll);
      await a.abandon();
      await b.work(s, hang('b'), { concurrency: 1, onGiveUp: g.onGiveUp });
      await vi.waitFor(() => expect(started).toEqual(['a:1', 'b:2']), poll);
      await b.abandon();
      const c = await open();
      await c.work(s, hang('c'), { concurrency: 1, onGiveUp: g.onGiveUp });
      await vi.waitFor(() => expect({ started, givenUp: g.got.length }).toEqual({ started: ['a:1', 'b:2'], givenUp: 1 }), poll);
      expect(g.got[0]).toMatchObject({ id: 'long', status: 'interrupted', error: { code: 'interrupted' } });
      expect(started).toEqual(['a:1', 'b:2']);
    });

    it('aborts a job past its timeout and gives it up as job_timeout, without another try', async () => {
      const q = await open();
      const s = spec({ maxAttempts: 3, timeoutMs: 300 });
      const reasons: string[] = [];
      const g = givenUp();
      await q.work(s, async (job) => {
        reasons.push(await aborted(job.signal));
      }, { concurrency: 1, onGiveUp: g.onGiveUp });
      await q.add(s, 'slow', null);
      await vi.waitFor(() => expect(g.got.length).toBeGreaterThanOrEqual(1), poll);
      expect(g.got[0]).toMatchObject({ id: 'slow', status: 'failed', error: { code: 'job_timeout' } });
      await q.add(s, 'slow-too', null);
      await vi.waitFor(() => expect(reasons).toEqual(['job_timeout', 'job_timeout']), poll);
    });

    it('a graceful close aborts what it runs and hands it back: another instance runs it, no attempt lost', async () => {
      const [a, b] = [await open(), await open()];
      const s = spec({ maxAttempts: 1 });
      const g = givenUp();
      const events: string[] = [];
      let started = false;
      await a.work(s, async (job) => {
        started = true;
        events.push(`a:${await aborted(job.signal)}`);
      }, { concurrency: 1, onGiveUp: g.onGiveUp });
      await a.add(s, 'moving', { x: 1 });
      await vi.waitFor(() => expect(started).toBe(true), poll);
      await a.close();
      expect(events).toEqual(['a:closing']);
      const done: JobContext[] = [];
      await b.work(s, async (job) => void done.push(job), { concurrency: 1, onGiveUp: g.onGiveUp });
      await vi.waitFor(() => expect(done).toHaveLength(1), poll);
      expect(done[0]).toMatchObject({ id: 'moving', payload: { x: 1 } });
      expect(g.got).toEqual([]);
    });

    it('stops taking jobs once paused', async () => {
      const [a, b] = [await open(), await open()];
      const s = spec();
      const seen: string[] = [];
      const g = givenUp();
      await a.work(s, async (job) => void seen.push(`a:${job.id}`), { concurrency: 1, onGiveUp: g.onGiveUp });
      await a.pause();
      await a.add(s, 'p1', null);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual([]);
      await b.work(s, async (job) => void seen.push(`b:${job.id}`), { concurrency: 1, onGiveUp: g.onGiveUp });
      await vi.waitFor(() => expect(seen).toEqual(['b:p1']), poll);
    });
  });
}
