import { describe, expect, it } from 'vitest';
import type { DataChunkInput } from '../data-types.ts';
import type { StoreContext } from './index.ts';

/** Small vectors: what is checked here does not depend on the size, and 8-d keeps big pages cheap. */
const DIMS = 8;
const INDEX = { name: 'docs', embeddingModel: 'test-embedder', dims: DIMS, chunkTokens: 256, overlapTokens: 32 };

/** Values that are not float32 values exactly, so the test sees what the store rounds them to. */
const vectorOf = (seed: number, dims = DIMS) => Array.from({ length: dims }, (_, i) => Math.sin(seed * 7.13 + i * 0.37) / 3);
const float32 = (v: number[]) => Float32Array.from(v);
const chunk = (idx: number, vector: DataChunkInput['vector'] = vectorOf(idx)): DataChunkInput => ({
  idx, text: `chunk ${idx} of the guide`, title: 'Guide', headingPath: [], start: idx * 10, end: idx * 10 + 9, tokens: 5, hash: `h-${idx}`, vector,
});
const doc = (name: string) => ({ name, format: 'md', title: name, hash: `file-${name}`, bytes: 100 });

export function vectorsContract(ctx: StoreContext): void {
  describe('data indexes: vectors', () => {
    it('keeps each chunk’s vector as float32 and reads them by chunk, by page and as a list of ids', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      await data.createIndex({ ...INDEX, name: 'other' });
      const a = await data.putDocument('docs', doc('a.md'), [chunk(0), chunk(1), chunk(2, Float32Array.from(vectorOf(2)))]);
      const other = await data.putDocument('other', doc('o.md'), [chunk(0)]);
      const b = await data.putDocument('docs', doc('b.md'), [chunk(3)]);
      const ids = [...a.chunkIds, ...b.chunkIds];

      expect(await data.vectorIds('docs')).toEqual(ids);
      const all = await data.chunkVectors('docs', [...ids].reverse());
      expect(all.map((r) => r.id)).toEqual(ids);
      all.forEach((r, i) => {
        expect(r.vector).toBeInstanceOf(Float32Array);
        expect(r.vector).toEqual(float32(vectorOf(i)));
      });
      // Another index's chunk and ids of no chunk are left out: a caller cannot read across indexes.
      expect((await data.chunkVectors('docs', [other.chunkIds[0], 987654, -1, a.chunkIds[1]])).map((r) => r.id)).toEqual([a.chunkIds[1]]);
      expect(await data.chunkVectors('docs', [])).toEqual([]);

      const first = await data.vectorPage('docs', 0, 3);
      expect(first.map((r) => r.id)).toEqual(ids.slice(0, 3));
      expect(first[1].vector).toEqual(float32(vectorOf(1)));
      expect((await data.vectorPage('docs', first[2].id, 3)).map((r) => r.id)).toEqual(ids.slice(3));
      expect(await data.vectorPage('docs', ids[3], 3)).toEqual([]);
      expect((await data.vectorPage('other', 0, 10)).map((r) => r.id)).toEqual(other.chunkIds);
    });

    it('counts every commit to an index in its revision', async () => {
      const data = ctx.store.data;
      expect((await data.createIndex(INDEX)).revision).toBe(0);
      const put = await data.putDocument('docs', doc('a.md'), [chunk(0, null)]);
      expect(put.revision).toBe(1);
      expect((await data.getIndex('docs'))!.revision).toBe(1);
      expect(await data.setVectors('docs', [{ id: put.chunkIds[0], vector: vectorOf(0) }])).toBe(2);
      expect(await data.deleteDocument('docs', 'a.md')).toEqual({ chunkIds: put.chunkIds, revision: 3 });
      expect(await data.deleteDocument('docs', 'a.md')).toBeUndefined();
      await data.resetIndex('docs', { embeddingModel: 'other-embedder', dims: 4, chunkTokens: 128, overlapTokens: 0 });
      expect(await data.getIndex('docs')).toMatchObject({ revision: 4, dims: 4, embeddingModel: 'other-embedder' });
      // Another connection (an instance) reads the same revision.
      expect((await (await ctx.another()).data.getIndex('docs'))!.revision).toBe(4);
    });

    it('drops a document’s vectors when it is replaced or deleted, and all of them on a reset or with the index', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      const first = await data.putDocument('docs', doc('a.md'), [chunk(0), chunk(1)]);
      const second = await data.putDocument('docs', doc('a.md'), [chunk(5)]);
      expect(await data.chunkVectors('docs', first.chunkIds)).toEqual([]);
      expect(await data.vectorIds('docs')).toEqual(second.chunkIds);
      const b = await data.putDocument('docs', doc('b.md'), [chunk(6)]);
      await data.deleteDocument('docs', 'a.md');
      expect(await data.vectorIds('docs')).toEqual(b.chunkIds);
      await data.resetIndex('docs', { embeddingModel: 'test-embedder', dims: DIMS, chunkTokens: 128, overlapTokens: 0 });
      expect(await data.vectorIds('docs')).toEqual([]);
      const c = await data.putDocument('docs', doc('c.md'), [chunk(7)]);
      expect(await data.deleteIndex('docs')).toBe(true);
      expect(await data.chunkVectors('docs', c.chunkIds)).toEqual([]);
      expect(await data.vectorPage('docs', 0, 10)).toEqual([]);
    });

    it('refuses a vector of the wrong size or with a value float32 cannot hold, and then writes nothing', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      const kept = await data.putDocument('docs', doc('a.md'), [chunk(0)]);
      const bad: DataChunkInput['vector'][] = [vectorOf(1, DIMS - 1), vectorOf(1, DIMS + 1), [], [...vectorOf(1, DIMS - 1), Number.NaN], [...vectorOf(1, DIMS - 1), Infinity], [...vectorOf(1, DIMS - 1), 1e39]];
      for (const vector of bad) {
        // The bad vector comes second: the first chunk must not be left behind either.
        await expect(data.putDocument('docs', doc('a.md'), [chunk(1), chunk(2, vector)]), String(vector?.length)).rejects.toMatchObject({ code: 'invalid_vector', status: 400 });
        await expect(data.setVectors('docs', [{ id: kept.chunkIds[0], vector: vector! }])).rejects.toMatchObject({ code: 'invalid_vector' });
      }
      expect(await data.getIndex('docs')).toMatchObject({ revision: 1 });
      expect((await data.documentChunks('docs', 'a.md')).map((c) => c.id)).toEqual(kept.chunkIds);
      expect(await data.chunkVectors('docs', kept.chunkIds)).toEqual([{ id: kept.chunkIds[0], vector: float32(vectorOf(0)) }]);
      await expect(data.putDocument('nope', doc('a.md'), [chunk(0)])).rejects.toMatchObject({ code: 'index_not_found', status: 404 });
      await expect(data.setVectors('nope', [])).rejects.toMatchObject({ code: 'index_not_found' });
    });

    it('lists chunks stored without a vector page by page, until setVectors gives them one', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      await data.createIndex({ ...INDEX, name: 'other' });
      const old = await data.putDocument('docs', doc('old.md'), [chunk(0, null), chunk(1), chunk(2, null), chunk(3, null)]);
      const elsewhere = await data.putDocument('other', doc('o.md'), [chunk(0, null)]);
      const [c0, c1, c2, c3] = old.chunkIds;
      expect(await data.vectorIds('docs')).toEqual([c1]);
      const page = await data.unembeddedChunks('docs', 0, 2);
      expect(page).toEqual([
        { id: c0, hash: 'h-0', text: 'chunk 0 of the guide' },
        { id: c2, hash: 'h-2', text: 'chunk 2 of the guide' },
      ]);
      expect((await data.unembeddedChunks('docs', c2, 2)).map((r) => r.id)).toEqual([c3]);
      // Another index's chunk and an unknown id are skipped, not written to this index.
      const revision = await data.setVectors('docs', [
        { id: c0, vector: vectorOf(10) },
        { id: c2, vector: Float32Array.from(vectorOf(12)) },
        { id: elsewhere.chunkIds[0], vector: vectorOf(13) },
        { id: 987654, vector: vectorOf(14) },
      ]);
      expect(revision).toBe(2);
      expect((await data.unembeddedChunks('docs', 0, 10)).map((r) => r.id)).toEqual([c3]);
      expect(await data.vectorIds('docs')).toEqual([c0, c1, c2]);
      expect((await data.unembeddedChunks('other', 0, 10)).map((r) => r.id)).toEqual(elsewhere.chunkIds);
      expect(await data.chunkVectors('other', elsewhere.chunkIds)).toEqual([]);
      // Setting a vector again replaces it.
      await data.setVectors('docs', [{ id: c0, vector: vectorOf(20) }]);
      expect(await data.chunkVectors('docs', [c0])).toEqual([{ id: c0, vector: float32(vectorOf(20)) }]);
    });

    it('writes and reads more vectors than one statement holds', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      const n = 2100;
      const { chunkIds } = await data.putDocument('docs', doc('big.md'), Array.from({ length: n }, (_, i) => chunk(i)));
      expect(await data.vectorIds('docs')).toEqual(chunkIds);
      const read = await data.chunkVectors('docs', chunkIds);
      expect(read).toHaveLength(n);
      expect(read[n - 1]).toEqual({ id: chunkIds[n - 1], vector: float32(vectorOf(n - 1)) });
      const paged: number[] = [];
      for (let after = 0, page; (page = await data.vectorPage('docs', after, 1000)).length; after = page.at(-1)!.id) paged.push(...page.map((r) => r.id));
      expect(paged).toEqual(chunkIds);
      const { chunkIds: bare } = await data.putDocument('docs', doc('bare.md'), Array.from({ length: n }, (_, i) => chunk(i, null)));
      expect(await data.setVectors('docs', bare.map((id, i) => ({ id, vector: vectorOf(i) })))).toBe(3);
      expect(await data.unembeddedChunks('docs', 0, 10)).toEqual([]);
      expect((await data.vectorIds('docs')).length).toBe(2 * n);
    });
  });
}
