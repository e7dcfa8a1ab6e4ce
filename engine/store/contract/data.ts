import { describe, expect, it } from 'vitest';
import type { DataChunkInput } from '../data-types.ts';
import type { StoreContext } from './index.ts';

const INDEX = { name: 'docs', embeddingModel: 'use-lite', dims: 512, chunkTokens: 256, overlapTokens: 32 };

/** A vector of `dims` values that differs with `seed` (not a float32 value exactly: the store rounds it). */
const vectorOf = (seed: number, dims = INDEX.dims) => Array.from({ length: dims }, (_, i) => Math.sin(seed * 7.13 + i * 0.37) / 3);
const chunk = (idx: number, text: string, extra: Partial<DataChunkInput> = {}): DataChunkInput => ({
  idx, text, title: 'Guide', headingPath: ['Guide', `Part ${idx}`], start: idx * 100, end: idx * 100 + text.length, tokens: text.split(' ').length, hash: `h-${text}`,
  vector: vectorOf(idx + text.length), ...extra,
});
const doc = (name: string, hash = `file-${name}`) => ({ name, format: 'md', title: name, hash, bytes: 1000 });

export function dataContract(ctx: StoreContext): void {
  describe('data indexes', () => {
    it('creates, lists and refuses a second index of the same name', async () => {
      const data = ctx.store.data;
      const created = await data.createIndex(INDEX);
      expect(created).toMatchObject({ ...INDEX, builtAt: null });
      expect(await data.getIndex('docs')).toEqual(created);
      expect((await data.listIndexes()).map((i) => i.name)).toEqual(['docs']);
      await expect(data.createIndex(INDEX)).rejects.toThrow(expect.objectContaining({ code: 'index_exists', status: 409 }));
      expect(await data.getIndex('nope')).toBeUndefined();
    });

    it('stores a document with its chunks, replaces it by name, and reports what it replaced', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      const first = await data.putDocument('docs', doc('river.md'), [chunk(0, 'The river Aln floods in spring.'), chunk(1, 'Boats moor at the old mill.', { page: 2 })]);
      expect(first.chunkIds).toHaveLength(2);
      expect(new Set(first.chunkIds).size).toBe(2);
      expect(first.replacedChunkIds).toEqual([]);
      expect((await data.chunks(first.chunkIds)).map((c) => [c.text, c.page, c.headingPath])).toEqual([
        ['The river Aln floods in spring.', null, ['Guide', 'Part 0']],
        ['Boats moor at the old mill.', 2, ['Guide', 'Part 1']],
      ]);
      expect((await data.documentChunks('docs', 'river.md')).map((c) => c.id)).toEqual(first.chunkIds);
      expect(first.revision).toBe(1);
      const second = await data.putDocument('docs', doc('river.md', 'changed'), [chunk(0, 'The river Aln is calm in summer.')]);
      expect(second.replacedChunkIds).toEqual(first.chunkIds);
      expect(await data.chunks(first.chunkIds)).toEqual([]);
      expect((await data.listDocuments('docs')).map((d) => [d.name, d.hash, d.chunks])).toEqual([['river.md', 'changed', 1]]);
      expect(await data.stats('docs')).toEqual({ documents: 1, chunks: 1, bytes: 1000, tokens: 7 });
      expect((await data.getIndex('docs'))!.builtAt).toEqual(expect.any(Number));
    });

    it('finds chunks by words, best first, within one index only, and forgets deleted documents', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      await data.createIndex({ ...INDEX, name: 'other' });
      const river = await data.putDocument('docs', doc('river.md'), [chunk(0, 'The river Aln floods every spring near the mill.'), chunk(1, 'Bread is baked at dawn.')]);
      await data.putDocument('docs', doc('bakery.md'), [chunk(0, 'The bakery sells rye bread and river stones.')]);
      await data.putDocument('other', doc('elsewhere.md'), [chunk(0, 'Another river entirely.')]);
      const hits = await data.keywordSearch('docs', 'Which river floods?', 10);
      expect(hits.map((h) => h.id)[0]).toBe(river.chunkIds[0]);
      expect(hits).toHaveLength(2);
      expect(hits[0].score).toBeGreaterThan(hits[1].score);
      // Stemming: "flooding" finds "floods".
      expect((await data.keywordSearch('docs', 'flooding', 10)).map((h) => h.id)).toEqual([river.chunkIds[0]]);
      expect(await data.deleteDocument('docs', 'river.md')).toEqual({ chunkIds: river.chunkIds, revision: 3 });
      expect(await data.keywordSearch('docs', 'floods', 10)).toEqual([]);
      expect(await data.deleteDocument('docs', 'river.md')).toBeUndefined();
    });

    it('never lets search text reach the query syntax of the database', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      await data.putDocument('docs', doc('a.md'), [chunk(0, 'NEAR the column: quotes " and stars *')]);
      for (const q of ['"', 'NEAR(a b)', 'text:foo', '*', '-', 'a OR', '())(', '', '!!!', "'", '&|!<->', 'a & b', 'x:*', '\\']) {
        await expect(data.keywordSearch('docs', q, 5), q).resolves.toBeInstanceOf(Array);
      }
      expect(await data.keywordSearch('docs', '!!!', 5)).toEqual([]);
      expect((await data.keywordSearch('docs', 'quotes "stars"', 5)).length).toBe(1);
    });

    it('keeps uploaded files by content per index, byte for byte, prunes what is not kept, and drops them with the index', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      await data.createIndex({ ...INDEX, name: 'other' });
      const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
      await data.putFile('docs', 'h1', bytes);
      await data.putFile('docs', 'h1', new Uint8Array([1])); // the same hash again: kept as first stored
      await data.putFile('docs', 'h2', new Uint8Array([]));
      await data.putFile('other', 'h3', new Uint8Array([7, 8]));
      expect(Buffer.from((await data.readFile('docs', 'h1'))!).equals(Buffer.from(bytes))).toBe(true);
      expect([...((await data.readFile('docs', 'h2')) ?? [9])]).toEqual([]);
      expect(await data.readFile('docs', 'h3')).toBeUndefined();
      expect([...(await data.hasFiles('docs', ['h1', 'h2', 'h3', 'nope']))].sort()).toEqual(['h1', 'h2']);
      expect(await data.hasFiles('docs', [])).toEqual(new Set());
      expect(await data.pruneFiles('docs', new Set(['h2']))).toBe(1);
      expect([...(await data.hasFiles('docs', ['h1', 'h2']))]).toEqual(['h2']);
      expect([...(await data.hasFiles('other', ['h3']))]).toEqual(['h3']);
      await data.deleteIndex('docs');
      await data.createIndex(INDEX);
      expect(await data.readFile('docs', 'h2')).toBeUndefined();
      expect([...(await data.hasFiles('other', ['h3']))]).toEqual(['h3']);
    });

    it('knows which chunk texts an index already has, and deleting the index removes everything', async () => {
      const data = ctx.store.data;
      await data.createIndex(INDEX);
      const { chunkIds } = await data.putDocument('docs', doc('a.md'), [chunk(0, 'same text'), chunk(1, 'other text')]);
      expect(await data.chunkIdsByHash('docs', ['h-same text', 'h-unknown'])).toEqual(new Map([['h-same text', chunkIds[0]]]));
      expect(await data.deleteIndex('docs')).toBe(true);
      expect(await data.chunks(chunkIds)).toEqual([]);
      expect(await data.listDocuments('docs')).toEqual([]);
      expect(await data.deleteIndex('docs')).toBe(false);
    });
  });
}
