import { describe, expect, it } from 'vitest';
import type { StoreContext } from './index.ts';

const draft = (name: string, n = 1) => ({ name, source: `# v${n}\nweir: 1\nname: ${name}\n`, format: 'yaml' as const, definition: { weir: 1, name, n } });
const version = (flow: string, hash: string) => ({ flow, hash, message: `publish ${hash}`, author: 'ada', source: 'src', definition: { hash } });

export function flowsContract(ctx: StoreContext): void {
  describe('flows', () => {
    it('puts, replaces, lists (by name) and deletes drafts', async () => {
      const store = ctx.store;
      const created = await store.flows.put(draft('b'));
      expect(created).toEqual({ ...draft('b'), createdAt: expect.any(Number), updatedAt: created.createdAt });
      await store.flows.put(draft('a'));
      const replaced = await store.flows.put(draft('b', 2));
      expect(replaced.createdAt).toBe(created.createdAt);
      expect(replaced.source).toContain('# v2');
      expect(replaced.definition).toEqual({ weir: 1, name: 'b', n: 2 });
      expect((await store.flows.list()).map((f) => f.name)).toEqual(['a', 'b']);
      expect(await store.flows.get('b')).toEqual(replaced);
      expect(await store.flows.get('zzz')).toBeUndefined();
      expect(await store.flows.delete('a')).toBe(true);
      expect(await store.flows.delete('a')).toBe(false);
      expect((await store.flows.list()).map((f) => f.name)).toEqual(['b']);
    });

    it('keeps JSON drafts and unicode intact', async () => {
      const row = { name: 'j', source: '{"name":"j","x":"😀\\u0000"}', format: 'json' as const, definition: { name: 'j', x: '😀\u0000', deep: [[[{}]]] } };
      await ctx.store.flows.put(row);
      const store = await ctx.reopen();
      expect(await store.flows.get('j')).toMatchObject(row);
    });

    it('deleting a flow deletes its versions with it', async () => {
      const store = ctx.store;
      await store.flows.put(draft('f'));
      await store.versions.create(version('f', 'h1'));
      await store.flows.put(draft('g'));
      await store.versions.create(version('g', 'h1'));
      await store.flows.delete('f');
      expect(await store.versions.list('f')).toEqual([]);
      expect(await store.versions.list('g')).toHaveLength(1);
    });
  });
}

export function versionsContract(ctx: StoreContext): void {
  describe('versions', () => {
    it('numbers versions 1, 2, 3 per flow', async () => {
      const store = ctx.store;
      const a1 = await store.versions.create(version('a', 'h1'));
      const a2 = await store.versions.create(version('a', 'h2'));
      const b1 = await store.versions.create(version('b', 'h1'));
      const a3 = await store.versions.create(version('a', 'h3'));
      expect([a1.number, a2.number, a3.number, b1.number]).toEqual([1, 2, 3, 1]);
      expect(a2).toEqual({ ...version('a', 'h2'), number: 2, createdAt: expect.any(Number) });
      expect((await store.versions.list('a')).map((v) => v.number)).toEqual([1, 2, 3]);
      expect(await store.versions.get('a', 2)).toEqual(a2);
      expect(await store.versions.get('a', 4)).toBeUndefined();
      expect(await store.versions.get('c', 1)).toBeUndefined();
    });

    it('byHash finds the version to reuse when content is unchanged', async () => {
      const store = ctx.store;
      await store.versions.create(version('a', 'h1'));
      await store.versions.create(version('a', 'h2'));
      // Rolling content back to h1 and publishing anyway is allowed; byHash keeps pointing at the first.
      await store.versions.create(version('a', 'h1'));
      expect((await store.versions.byHash('a', 'h1'))?.number).toBe(1);
      expect((await store.versions.byHash('a', 'h2'))?.number).toBe(2);
      expect(await store.versions.byHash('a', 'nope')).toBeUndefined();
      expect(await store.versions.byHash('b', 'h1')).toBeUndefined();
    });

    it('two connections to the same data never hand out the same number', async () => {
      const store = ctx.store;
      const other = await ctx.another();
      const numbers = [];
      for (let i = 0; i < 10; i++) {
        numbers.push((await store.versions.create(version('a', `x${i}`))).number, (await other.versions.create(version('a', `y${i}`))).number);
      }
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('publishes racing on two connections get distinct, consecutive numbers', async () => {
      const store = ctx.store;
      const other = await ctx.another();
      const created = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? other : store).versions.create(version('race', `r${i}`))));
      expect(created.map((v) => v.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect((await store.versions.list('race')).map((v) => v.hash).sort()).toEqual(created.map((v) => v.hash).sort());
    });
  });
}
