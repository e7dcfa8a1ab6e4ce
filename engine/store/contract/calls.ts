import { describe, expect, it } from 'vitest';
import type { CallRow } from '../types.ts';
import type { StoreContext } from './index.ts';

const T = Date.UTC(2026, 11, 1, 12);
const call = (over: Partial<CallRow>): CallRow => ({
  id: 'r1', at: T, deployment: 'chat', kind: 'model', keyId: 'k1', model: 'qwen', promptTokens: 10, completionTokens: 5,
  cost: 0.25, latencyMs: 120, status: 200, filtered: [], ...over,
});

export function callsContract(ctx: StoreContext): void {
  describe('usage calls', () => {
    it('keeps every field of a call, lists newest first within [from, to), and survives a reopen', async () => {
      const rows = [
        call({ id: 'a', at: T }),
        call({ id: 'b', at: T + 1000, deployment: 'rag', kind: 'flow', keyId: null, model: null, status: 400, filtered: ['prompt:hate', 'prompt:jailbreak'] }),
        call({ id: 'c', at: T + 2000, status: 429, promptTokens: 0, completionTokens: 0, cost: 0 }),
        call({ id: 'd', at: T + 3000 }),
      ];
      await ctx.store.calls.record(rows);
      const got = await (await ctx.reopen()).calls.list({ from: T, to: T + 3000, limit: 10 });
      expect(got.map((r) => r.id)).toEqual(['c', 'b', 'a']);
      const { seq, ...b } = got[1]!;
      expect(b).toEqual(rows[1]);
      expect(seq).toEqual(expect.any(Number));
    });

    it('filters by deployment, key (null: none), model, status, filtered or not, and part', async () => {
      await ctx.store.calls.record([
        call({ id: 'a' }),
        call({ id: 'b', at: T + 1, keyId: null, filtered: ['completion:violence'] }),
        call({ id: 'c', at: T + 2, deployment: 'rag', model: 'mini', status: 400, filtered: ['prompt:self_harm', 'prompt:blocklist'] }),
      ]);
      const ids = async (f: object) => (await ctx.store.calls.list({ from: T, to: T + 10, limit: 10, ...f })).map((r) => r.id);
      expect(await ids({ deployment: 'rag' })).toEqual(['c']);
      expect(await ids({ keyId: null })).toEqual(['b']);
      expect(await ids({ keyId: 'k1' })).toEqual(['c', 'a']);
      expect(await ids({ model: 'qwen' })).toEqual(['b', 'a']);
      expect(await ids({ status: 400 })).toEqual(['c']);
      expect(await ids({ filtered: true })).toEqual(['c', 'b']);
      expect(await ids({ filtered: false })).toEqual(['a']);
      expect(await ids({ part: 'violence' })).toEqual(['b']);
      expect(await ids({ part: 'blocklist' })).toEqual(['c']);
      expect(await ids({ part: 'hate' })).toEqual([]);
    });

    it('pages by (at, seq): calls of the same millisecond are neither repeated nor skipped', async () => {
      await ctx.store.calls.record(['a', 'b', 'c', 'd', 'e'].map((id, i) => call({ id, at: T + (i < 3 ? 0 : i) })));
      const seen: string[] = [];
      let before: { at: number; seq: number } | undefined;
      for (;;) {
        const page = await ctx.store.calls.list({ from: T, to: T + 10, limit: 2, before });
        seen.push(...page.map((r) => r.id));
        if (page.length < 2) break;
        const last = page[page.length - 1]!;
        before = { at: last.at, seq: last.seq };
      }
      expect(seen).toEqual(['e', 'd', 'c', 'b', 'a']);
    });

    it('writes a batch larger than one statement takes, and prunes what is older than a time', async () => {
      await ctx.store.calls.record(Array.from({ length: 1234 }, (_, i) => call({ id: `r${i}`, at: T + i })));
      expect(await ctx.store.calls.prune(T + 1000)).toBe(1000);
      const left = await ctx.store.calls.list({ from: 0, to: T + 10_000, limit: 1000 });
      expect(left.length).toBe(234);
      expect(left.at(-1)!.id).toBe('r1000');
    });

    it('stores nonsense counts as zero rather than failing the batch', async () => {
      await ctx.store.calls.record([call({ promptTokens: Number.NaN, completionTokens: -3, cost: Number.POSITIVE_INFINITY, latencyMs: 1.6 })]);
      const [r] = await ctx.store.calls.list({ from: T, to: T + 1, limit: 1 });
      expect([r!.promptTokens, r!.completionTokens, r!.cost, r!.latencyMs]).toEqual([0, 0, 0, 2]);
    });
  });
}
