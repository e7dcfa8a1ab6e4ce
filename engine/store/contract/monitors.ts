import { describe, expect, it } from 'vitest';
import type { AlertRow, MonitorScoreRow } from '../types.ts';
import type { StoreContext } from './index.ts';

const T = Date.UTC(2026, 11, 1, 12);
const score = (over: Partial<MonitorScoreRow>): MonitorScoreRow => ({ deployment: 'chat', callId: 'c1', evaluator: 'f1_score', score: 0.5, passed: true, error: null, at: T, ...over });
const alert = (over: Partial<AlertRow>): AlertRow => ({ id: 'a1', deployment: 'chat', evaluator: 'f1_score', metric: 'pass_rate', value: 0.5, threshold: 0.7, samples: 10, windowMs: 7 * 86_400_000, at: T, delivery: null, ...over });

export function monitorsContract(ctx: StoreContext): void {
  describe('monitors', () => {
    it('keeps a deployment\'s monitor settings, replaces them, lists and deletes them, over a reopen', async () => {
      const body = { sampling_rate: 0.5, evaluators: [{ evaluator: 'f1_score', threshold: 0.6 }] };
      const put = await ctx.store.monitors.put('chat', body);
      expect(put).toMatchObject({ deployment: 'chat', body, checkedAt: null });
      await ctx.store.monitors.put('rag', { sampling_rate: 1 });
      await ctx.store.monitors.put('chat', { ...body, sampling_rate: 0.1 });
      const again = await ctx.reopen();
      expect((await again.monitors.get('chat'))!.body).toEqual({ ...body, sampling_rate: 0.1 });
      expect((await again.monitors.list()).map((m) => m.deployment)).toEqual(['chat', 'rag']);
      expect(await again.monitors.delete('rag')).toBe(true);
      expect(await again.monitors.delete('rag')).toBe(false);
      expect(await again.monitors.get('rag')).toBeUndefined();
    });

    it('lets one of two instances claim a due check, and none before it is due again', async () => {
      await ctx.store.monitors.put('chat', {});
      const other = await ctx.another();
      const claims = await Promise.all([ctx.store.monitors.claimCheck('chat', T, T), other.monitors.claimCheck('chat', T, T)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      // Checked at T: not due before T + 1.
      expect(await ctx.store.monitors.claimCheck('chat', T + 10, T)).toBe(false);
      expect(await ctx.store.monitors.claimCheck('chat', T + 10, T + 1)).toBe(true);
      expect((await ctx.store.monitors.get('chat'))!.checkedAt).toBe(T + 10);
    });

    it('keeps scores (a missing one with its reason) and lists a deployment\'s in [from, to), oldest first', async () => {
      await ctx.store.monitors.addScores([
        score({ callId: 'c2', at: T + 2 }),
        score({ callId: 'c1', at: T + 1, score: null, passed: null, error: 'the judge answered no score' }),
        score({ deployment: 'rag', at: T + 1 }),
        score({ callId: 'c3', at: T + 5 }),
      ]);
      const got = await ctx.store.monitors.scores('chat', T, T + 5);
      expect(got.map((s) => s.callId)).toEqual(['c1', 'c2']);
      expect(got[0]).toEqual(score({ callId: 'c1', at: T + 1, score: null, passed: null, error: 'the judge answered no score' }));
      expect(got[1]!.passed).toBe(true);
    });

    it('takes a batch of scores larger than one statement binds (a busy second\'s samples)', async () => {
      await ctx.store.monitors.addScores(Array.from({ length: 6000 }, (_, i) => score({ callId: `c${i}`, at: T + i })));
      const got = await ctx.store.monitors.scores('chat', T, T + 6000);
      expect(got).toHaveLength(6000);
      expect(got.at(-1)!.callId).toBe('c5999');
    });

    it('keeps alerts newest first, of one deployment or all, and their delivery', async () => {
      await ctx.store.monitors.addAlert(alert({ id: 'a1', at: T }));
      await ctx.store.monitors.addAlert(alert({ id: 'a2', at: T + 5, deployment: 'rag' }));
      await ctx.store.monitors.setDelivery('a1', 'sent');
      expect((await ctx.store.monitors.alerts({ from: 0, limit: 10 })).map((a) => a.id)).toEqual(['a2', 'a1']);
      expect(await ctx.store.monitors.alerts({ deployment: 'chat', from: 0, limit: 10 })).toEqual([alert({ id: 'a1', delivery: 'sent' })]);
      expect(await ctx.store.monitors.alerts({ from: T + 1, limit: 10 })).toHaveLength(1);
    });
  });
}
