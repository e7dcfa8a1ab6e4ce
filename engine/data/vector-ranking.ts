/** Ranking helpers beside the HNSW index: exact search (ground truth, baseline) and rank fusion. */
import type { ScoredId } from './vector-index.ts';

/** Exact cosine top-k by scanning every vector: ground truth for recall, and the benchmark baseline. */
export function bruteForceSearch(vectors: Float32Array[] | number[][], ids: number[], query: Float32Array | number[], k: number): ScoredId[] {
  let qn = 0;
  for (let i = 0; i < query.length; i++) qn += query[i] * query[i];
  qn = Math.sqrt(qn);
  const top: ScoredId[] = [];
  for (let j = 0; j < vectors.length; j++) {
    const v = vectors[j];
    let dot = 0, vn = 0;
    for (let i = 0; i < v.length; i++) {
      dot += v[i] * query[i];
      vn += v[i] * v[i];
    }
    const score = qn === 0 || vn === 0 ? 0 : dot / (qn * Math.sqrt(vn));
    const id = ids[j];
    // Insertion into a short sorted list: k is small, so this beats sorting everything.
    if (top.length === k && !better(score, id, top[k - 1])) continue;
    let at = top.length;
    while (at > 0 && better(score, id, top[at - 1])) at--;
    top.splice(at, 0, { id, score });
    if (top.length > k) top.pop();
  }
  return top;
}

const better = (score: number, id: number, than: ScoredId) => score > than.score || (score === than.score && id < than.id);

/**
 * Reciprocal rank fusion (Cormack et al. 2009): score = Σ 1 / (k + rank), rank from 1. It needs no
 * score normalisation, which is why it suits mixing cosine scores with keyword (BM25) scores.
 * An id repeated within one list counts once, at its best rank. Ties go to the lower id.
 */
export function reciprocalRankFusion(lists: { id: number }[][], k = 60): ScoredId[] {
  const scores = new Map<number, number>();
  for (const list of lists) {
    const seen = new Set<number>();
    list.forEach(({ id }, i) => {
      if (seen.has(id)) return;
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + 1 / (k + i + 1));
    });
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}
