import { describe, expect, it } from 'vitest';
import type { BatchRunRow } from '../types.ts';
import type { StoreContext } from './index.ts';

const T = Date.UTC(2026, 11, 1, 12);
const run = (over: Partial<BatchRunRow> = {}): BatchRunRow => ({
  id: 'b1', flow: 'qa', version: 2, status: 'queued', columnMapping: { question: '${data.q}', n: 3 }, earlierRun: null, concurrency: 4,
  total: 3, succeeded: 0, failed: 0, metrics: {}, aggregation: null, error: null, usage: {}, createdAt: T, startedAt: null, finishedAt: null, durationMs: null,
  ...over,
});

export function batchesContract(ctx: StoreContext): void {
  describe('batch runs', () => {
    it('stores a run with its lines pending, and keeps every field across a reopen', async () => {
      const data = [{ ok: true, value: { q: 'a' } }, { ok: false, error: { code: 'invalid_data_line', message: 'bad' } }, { ok: true, value: { q: 'c\u0000', deep: { x: [1, 2] } } }];
      await ctx.store.batches.create(run(), data);
      const s = await ctx.reopen();
      expect(await s.batches.get('b1')).toEqual(run());
      const lines = await s.batches.lines('b1', 0, 10);
      expect(lines.map((l) => [l.lineNumber, l.status])).toEqual([[0, 'pending'], [1, 'pending'], [2, 'pending']]);
      expect(lines.map((l) => l.data)).toEqual(data);
      expect(lines[0]).toMatchObject({ inputs: null, outputs: null, error: null, durationMs: null, usage: null, aggregationInputs: null });
      expect(await s.batches.get('nope')).toBeUndefined();
    });

    it('saves finished lines and pages them in line order', async () => {
      await ctx.store.batches.create(run({ total: 1200 }), Array.from({ length: 1200 }, (_, i) => ({ ok: true, value: { i } })));
      await ctx.store.batches.saveLines('b1', [
        { lineNumber: 1100, status: 'succeeded', inputs: { q: 'x' }, outputs: { a: 'X', n: null }, error: null, durationMs: 1.5, usage: { total_tokens: 3 }, aggregationInputs: [1, 'x'] },
        { lineNumber: 3, status: 'failed', inputs: {}, outputs: {}, error: { code: 'node_failed', message: 'boom', node: 'n' }, durationMs: 0.25, usage: {}, aggregationInputs: null },
      ]);
      const page = await ctx.store.batches.lines('b1', 1099, 3);
      expect(page.map((l) => l.lineNumber)).toEqual([1099, 1100, 1101]);
      expect(page[1]).toMatchObject({ status: 'succeeded', inputs: { q: 'x' }, outputs: { a: 'X', n: null }, durationMs: 1.5, usage: { total_tokens: 3 }, aggregationInputs: [1, 'x'] });
      expect((await ctx.store.batches.lines('b1', 3, 1))[0]).toMatchObject({ status: 'failed', error: { code: 'node_failed', message: 'boom', node: 'n' } });
      expect((await ctx.store.batches.lines('b1', 1195, 100)).length).toBe(5);
    });

    it('moves a run on only from the statuses given (one claim wins), and lists newest first', async () => {
      await ctx.store.batches.create(run({ id: 'old', createdAt: T }), []);
      await ctx.store.batches.create(run({ id: 'new', createdAt: T + 1, flow: 'other' }), []);
      const other = await ctx.another();
      const claims = await Promise.all([ctx.store.batches.transition('old', ['queued'], { status: 'running', startedAt: T + 5 }), other.batches.transition('old', ['queued'], { status: 'running', startedAt: T + 6 })]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await ctx.store.batches.transition('old', ['queued'], { status: 'cancelled' })).toBe(false);
      await ctx.store.batches.update('old', { status: 'completed', succeeded: 2, failed: 1, metrics: { accuracy: 0.5 }, aggregation: { status: 'succeeded', outputs: { m: { accuracy: 0.5 } } }, usage: { cost: 0.01 }, finishedAt: T + 9, durationMs: 4.5 });
      expect(await other.batches.get('old')).toMatchObject({ status: 'completed', succeeded: 2, failed: 1, metrics: { accuracy: 0.5 }, aggregation: { status: 'succeeded', outputs: { m: { accuracy: 0.5 } } }, usage: { cost: 0.01 }, durationMs: 4.5 });
      expect((await ctx.store.batches.list({ limit: 10 })).map((r) => r.id)).toEqual(['new', 'old']);
      expect((await ctx.store.batches.list({ limit: 1, offset: 1 })).map((r) => r.id)).toEqual(['old']);
      expect((await ctx.store.batches.list({ limit: 10, flow: 'other' })).map((r) => r.id)).toEqual(['new']);
    });
  });
}
