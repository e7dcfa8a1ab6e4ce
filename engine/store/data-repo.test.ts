import { describe, expect, it } from 'vitest';
import type { DataChunkInput } from './data-types.ts';
import { ftsQuery } from './data-repo.ts';
import { useTempStore } from './test-store.ts';

const t = useTempStore();
const INDEX = { name: 'docs', embeddingModel: 'use-lite', dims: 512, chunkTokens: 256, overlapTokens: 32 };

const chunk = (idx: number, text: string, extra: Partial<DataChunkInput> = {}): DataChunkInput => ({
  idx, text, title: 'Guide', headingPath: ['Guide', `Part ${idx}`], start: idx * 100, end: idx * 100 + text.length, tokens: text.split(' ').length, hash: `h-${text}`, ...extra,
});
const doc = (name: string, hash = `file-${name}`) => ({ name, format: 'md', title: name, hash, bytes: 1000 });

describe('data indexes in the store', () => {
  it('creates, lists and refuses a second index of the same name', () => {
    const created = t.store.data.createIndex(INDEX);
    expect(created).toMatchObject({ ...INDEX, builtAt: null });
    expect(t.store.data.listIndexes().map((i) => i.name)).toEqual(['docs']);
    expect(() => t.store.data.createIndex(INDEX)).toThrow(expect.objectContaining({ code: 'index_exists', status: 409 }));
  });

  it('stores a document with its chunks, replaces it by name, and reports what it replaced', () => {
    t.store.data.createIndex(INDEX);
    const first = t.store.data.putDocument('docs', doc('river.md'), [chunk(0, 'The river Aln floods in spring.'), chunk(1, 'Boats moor at the old mill.', { page: 2 })]);
    expect(first.chunkIds).toHaveLength(2);
    expect(first.replacedChunkIds).toEqual([]);
    expect(t.store.data.chunks(first.chunkIds).map((c) => [c.text, c.page, c.headingPath])).toEqual([
      ['The river Aln floods in spring.', null, ['Guide', 'Part 0']],
      ['Boats moor at the old mill.', 2, ['Guide', 'Part 1']],
    ]);
    const second = t.store.data.putDocument('docs', doc('river.md', 'changed'), [chunk(0, 'The river Aln is calm in summer.')]);
    expect(second.replacedChunkIds).toEqual(first.chunkIds);
    expect(t.store.data.chunks(first.chunkIds)).toEqual([]);
    expect(t.store.data.listDocuments('docs').map((d) => [d.name, d.hash, d.chunks])).toEqual([['river.md', 'changed', 1]]);
    expect(t.store.data.stats('docs')).toEqual({ documents: 1, chunks: 1, bytes: 1000, tokens: 7 });
    expect(t.store.data.getIndex('docs')!.builtAt).toEqual(expect.any(Number));
  });

  it('finds chunks by words with BM25, within one index only, and forgets deleted documents', () => {
    t.store.data.createIndex(INDEX);
    t.store.data.createIndex({ ...INDEX, name: 'other' });
    const river = t.store.data.putDocument('docs', doc('river.md'), [chunk(0, 'The river Aln floods every spring near the mill.'), chunk(1, 'Bread is baked at dawn.')]);
    t.store.data.putDocument('docs', doc('bakery.md'), [chunk(0, 'The bakery sells rye bread and river stones.')]);
    t.store.data.putDocument('other', doc('elsewhere.md'), [chunk(0, 'Another river entirely.')]);
    const hits = t.store.data.keywordSearch('docs', 'Which river floods?', 10);
    expect(hits.map((h) => h.id)[0]).toBe(river.chunkIds[0]);
    expect(hits).toHaveLength(2);
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
    // Stemming: "flooding" finds "floods".
    expect(t.store.data.keywordSearch('docs', 'flooding', 10).map((h) => h.id)).toEqual([river.chunkIds[0]]);
    expect(t.store.data.deleteDocument('docs', 'river.md')).toEqual(river.chunkIds);
    expect(t.store.data.keywordSearch('docs', 'floods', 10)).toEqual([]);
    expect(t.store.data.deleteDocument('docs', 'river.md')).toBeUndefined();
  });

  it('never lets search text reach FTS5 syntax', () => {
    t.store.data.createIndex(INDEX);
    t.store.data.putDocument('docs', doc('a.md'), [chunk(0, 'NEAR the column: quotes " and stars *')]);
    for (const q of ['"', 'NEAR(a b)', 'text:foo', '*', '-', 'a OR', '())(', '']) expect(() => t.store.data.keywordSearch('docs', q, 5)).not.toThrow();
    expect(ftsQuery('Hello, "world" -x')).toBe('"hello" OR "world" OR "x"');
    expect(ftsQuery('!!!')).toBeUndefined();
  });

  it('knows which chunk texts an index already has, and deleting the index removes everything', () => {
    t.store.data.createIndex(INDEX);
    const { chunkIds } = t.store.data.putDocument('docs', doc('a.md'), [chunk(0, 'same text'), chunk(1, 'other text')]);
    expect(t.store.data.chunkIdsByHash('docs', ['h-same text', 'h-unknown'])).toEqual(new Map([['h-same text', chunkIds[0]]]));
    expect(t.store.data.deleteIndex('docs')).toBe(true);
    expect(t.store.data.chunks(chunkIds)).toEqual([]);
    expect(t.store.data.listDocuments('docs')).toEqual([]);
    expect(t.store.data.deleteIndex('docs')).toBe(false);
  });
});
