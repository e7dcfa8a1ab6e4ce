import { z } from 'zod';
import { names } from '../engine/flow/resource-fields.ts';
import { defineNode } from '../engine/node-definition.ts';

const chunk = z.object({
  text: z.string(), score: z.number(), source: z.string(), title: z.string(), heading_path: z.array(z.string()),
  page: z.number().nullable(), start: z.number(), end: z.number(),
  /** 1-based number to cite the chunk by, as in `context`. */
  citation: z.number().int(),
});

export const vectorLookupNode = defineNode({
  type: 'vector_lookup',
  title: 'Vector lookup',
  category: 'data',
  description: 'Finds the chunks of a data index that best match a query (text, or a vector made by the index\'s embedding model): by meaning (vector), by words (keyword, BM25) or both (hybrid, reciprocal rank fusion). Outputs the chunks with citation fields, a numbered context text for prompts, and whether anything was found.',
  inputs: { query: z.union([z.string(), z.array(z.number()).min(1)]) },
  output: z.object({ chunks: z.array(chunk), context: z.string(), found: z.boolean() }),
  config: z
    .object({
      index: z.string().min(1).describe('The data index to search.').meta(names('index')),
      top_k: z.number().int().min(1).max(100).default(4).describe('How many chunks to return.'),
      mode: z.enum(['vector', 'keyword', 'hybrid']).default('hybrid').describe('vector: by meaning; keyword: by words (BM25); hybrid: both, fused by rank.'),
      threshold: z.number().min(-1).max(1).optional().describe('vector mode: drop chunks whose cosine similarity is below this.'),
      sources: z.array(z.string().min(1)).optional().describe('Only chunks of these documents (file names).'),
      tags: z.array(z.string().min(1)).optional().describe('Only chunks of documents carrying any of these tags.'),
    })
    .strict(),
  async run(ctx, inputs, c) {
    ctx.throwIfAborted();
    const hits = await ctx.searchIndex(c.index, inputs.query, { k: c.top_k, mode: typeof inputs.query === 'string' ? c.mode : 'vector', threshold: c.threshold, sources: c.sources, tags: c.tags });
    const chunks = hits.map((h, i) => ({ text: h.text, score: h.score, source: h.source, title: h.title, heading_path: h.heading_path, page: h.page, start: h.start, end: h.end, citation: i + 1 }));
    return { chunks, context: chunks.map((h) => `[${h.citation}] ${h.text}`).join('\n\n'), found: chunks.length > 0 };
  },
});
