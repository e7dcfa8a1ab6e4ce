import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestIndex } from '../test/helpers/nodes/test-index.ts';
import { failureOf, makeContext, runNode } from '../test/helpers/nodes/test-context.ts';
import { vectorLookupNode } from './vector-lookup.ts';

type Out = { chunks: { text: string; source: string; citation: number; heading_path: string[]; score: number }[]; context: string; found: boolean };

let index: Awaited<ReturnType<typeof makeTestIndex>>;
beforeAll(async () => {
  index = await makeTestIndex('shop', {
    'returns.md': '# Returns\n\nUnworn shoes can be returned within 30 days for a full refund.',
    'shipping.md': '# Shipping\n\nOrders over 50 euros ship free. Express delivery takes one day.',
    'care.txt': 'Leather shoes last longer when polished every month.',
  });
  expect(index.job.status).toBe('succeeded');
});
afterAll(() => index.close());

describe('vector_lookup node', () => {
  const ctx = () => makeContext({ searchIndex: index.searchIndex });

  it('returns the best chunks with citation numbers and a numbered context for prompts', async () => {
    const out = (await runNode(vectorLookupNode, { index: 'shop', top_k: 2 }, { query: 'Can I send my shoes back?' }, ctx())) as Out;
    expect(out.found).toBe(true);
    expect(out.chunks[0]).toMatchObject({ source: 'returns.md', citation: 1, heading_path: ['Returns'] });
    expect(out.chunks.map((c) => c.citation)).toEqual([1, 2]);
    expect(out.context.startsWith(`[1] ${out.chunks[0].text}`)).toBe(true);
    expect(out.context).toContain(`\n\n[2] ${out.chunks[1].text}`);
  });

  it('filters by source and searches by words only in keyword mode', async () => {
    const only = (await runNode(vectorLookupNode, { index: 'shop', sources: ['care.txt'] }, { query: 'refund' }, ctx())) as Out;
    expect(only.chunks.map((c) => c.source)).toEqual(['care.txt']);
    const words = (await runNode(vectorLookupNode, { index: 'shop', mode: 'keyword' }, { query: 'express' }, ctx())) as Out;
    expect(words.chunks.map((c) => c.source)).toEqual(['shipping.md']);
    const none = (await runNode(vectorLookupNode, { index: 'shop', mode: 'keyword' }, { query: 'umbrella' }, ctx())) as Out;
    expect(none).toEqual({ chunks: [], context: '', found: false });
  });

  it('takes a vector made by the index model as the query', async () => {
    const model = await index.indexes.embedder('use-lite');
    const [vector] = (await model.embed!(['free delivery threshold'])).vectors;
    const out = (await runNode(vectorLookupNode, { index: 'shop', top_k: 1 }, { query: vector }, ctx())) as Out;
    expect(out.chunks[0].source).toBe('shipping.md');
  });

  it('fails with index_not_found for an unknown index', async () => {
    const err = await failureOf(runNode(vectorLookupNode, { index: 'nope' }, { query: 'x' }, ctx()));
    expect(err.code).toBe('index_not_found');
  });
});
