import { describe, expect, it } from 'vitest';
import type { StoreContext } from './index.ts';

export function lifecycleContract(ctx: StoreContext): void {
  describe('opening and closing', () => {
    it('a fresh store is empty', async () => {
      const store = ctx.store;
      expect(await store.flows.list()).toEqual([]);
      expect(await store.deployments.list()).toEqual([]);
      expect(await store.models.list()).toEqual([]);
      expect(await store.connections.list()).toEqual([]);
      expect(await store.runs.list({})).toEqual([]);
      expect(await store.data.listIndexes()).toEqual([]);
      expect(await store.runs.markInterrupted()).toBe(0);
    });

    it('data survives a reopen', async () => {
      await ctx.store.flows.put({ name: 'hello', source: 'weir: 1\nname: hello\n', format: 'yaml', definition: { weir: 1, name: 'hello' } });
      await ctx.store.deployments.create({ name: 'd', kind: 'flow', flow: 'hello', traffic: [{ version: 1, weight: 100 }], traceSampleRate: 0.5 });
      const b = await ctx.reopen();
      expect((await b.flows.get('hello'))?.definition).toEqual({ weir: 1, name: 'hello' });
      expect((await b.deployments.get('d'))?.traffic).toEqual([{ version: 1, weight: 100 }]);
      expect((await b.deployments.get('d'))?.traceSampleRate).toBe(0.5);
    });

    it('a change on one connection is seen by another at once', async () => {
      const other = await ctx.another();
      await ctx.store.deployments.create({ name: 'd', kind: 'flow', flow: 'hello', traffic: [{ version: 1, weight: 100 }], traceSampleRate: 1 });
      const { secret, row } = await ctx.store.keys.create('d', 'k');
      expect(await other.keys.verify(secret)).toEqual({ opens: ['d'], keyId: row.id, expiresAt: null, rpm: null, tpm: null });
      await other.deployments.update('d', { traffic: [{ version: 2, weight: 100 }] });
      expect((await ctx.store.deployments.get('d'))?.traffic).toEqual([{ version: 2, weight: 100 }]);
      expect(await other.keys.revoke('d', row.id)).toBe(true);
      expect(await ctx.store.keys.verify(secret)).toBeUndefined();
    });

    it('close is idempotent and flushes queued runs', async () => {
      const a = ctx.store;
      a.runs.enqueue({ run: { id: 'r1', flow: 'f', version: 1, deployment: 'd', mode: 'sync', status: 'succeeded', inputs: {}, outputs: { a: 1 }, error: null, usage: null, startedAt: 1, endedAt: 2, durationMs: 1 } });
      // Closed at once, before the group commit's timer can fire: close itself must write the run.
      await Promise.all([a.close(), a.close()]);
      await a.close();
      const b = await ctx.reopen();
      expect((await b.runs.get('r1'))?.outputs).toEqual({ a: 1 });
    });

    it('a closed store refuses more enqueued runs with store_closed', async () => {
      const runs = ctx.store.runs;
      await ctx.store.close();
      expect(() => runs.enqueue({ run: { id: 'c2', flow: 'f', version: 1, deployment: 'd', mode: 'sync', status: 'succeeded', inputs: {}, outputs: {}, error: null, usage: null, startedAt: 1, endedAt: 2, durationMs: 1 } })).toThrow(
        expect.objectContaining({ code: 'store_closed' }),
      );
      const b = await ctx.reopen();
      expect(await b.runs.get('c2')).toBeUndefined();
    });
  });
}
