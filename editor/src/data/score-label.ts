import type { SearchMode } from './types.ts';

/**
 * A search hit's score said as what it is. None of them is a percentage: hybrid search ranks by
 * reciprocal-rank fusion (a sum of 1/(60+rank), around 0.01–0.033), vector search by cosine
 * similarity (-1 to 1), keyword search by BM25 (unbounded), so each is shown with its kind.
 */
export function scoreLabel(score: number, mode: SearchMode): { text: string; title: string } {
  if (mode === 'hybrid') return { text: `score ${score.toPrecision(3)} (hybrid)`, title: 'reciprocal-rank fusion of the vector and keyword rankings; higher ranks better, not a percentage' };
  if (mode === 'vector') return { text: `similarity ${score.toFixed(3)} (cosine)`, title: 'cosine similarity of the query and chunk embeddings, from -1 to 1' };
  return { text: `BM25 ${score.toFixed(2)}`, title: 'BM25 keyword relevance; unbounded, comparable only within one search' };
}
