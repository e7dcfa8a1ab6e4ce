/**
 * A worker thread for bench/data.ts: one job per thread, so the machine's cores build HNSW graphs
 * (hnswlib-node adds points on the calling thread only) and compute exact ground truth side by
 * side. The vectors are regenerated from their seed here rather than copied in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { bruteForceSearch, VectorIndex } from '../../engine/data/vector-index.ts';
import { clusteredVectors, uniformVectors } from './vectors.ts';

export type Distribution = 'uniform' | 'clustered';

export const vectorsOf = (dist: Distribution) => (dist === 'uniform' ? uniformVectors : clusteredVectors);

export type HnswJob =
  /** Builds an index of `n` vectors of `seed` into `dir` (ids 0..n-1 unless given) and saves it. */
  | { kind: 'build'; dist: Distribution; n: number; dims: number; seed: number; dir: string; ids?: number[]; M?: number; efConstruction?: number }
  /** Exact top-k of `queries` vectors (seed `querySeed`) among the `n` vectors of `seed`. */
  | { kind: 'truth'; dist: Distribution; n: number; dims: number; seed: number; querySeed: number; queries: number; k: number };

export type HnswResult =
  | { kind: 'build'; seconds: number; M: number; efConstruction: number; ef: number; bytes: number }
  | { kind: 'truth'; seconds: number; ids: number[][] };

export function runJob(job: HnswJob): HnswResult {
  const vectors = vectorsOf(job.dist)(job.n, job.dims, job.seed);
  if (job.kind === 'truth') {
    const ids = vectors.map((_, i) => i);
    const queries = vectorsOf(job.dist)(job.queries, job.dims, job.querySeed);
    const t = performance.now();
    const out = queries.map((q) => bruteForceSearch(vectors, ids, q, job.k).map((x) => x.id));
    return { kind: 'truth', seconds: (performance.now() - t) / 1000, ids: out };
  }
  const index = VectorIndex.create(job.dir, job.dims, {
    capacity: job.n,
    ...(job.M !== undefined ? { M: job.M } : {}),
    ...(job.efConstruction !== undefined ? { efConstruction: job.efConstruction } : {}),
  });
  const t = performance.now();
  for (let i = 0; i < job.n; i += 1000) index.add(vectors.slice(i, i + 1000).map((vector, j) => ({ id: job.ids?.[i + j] ?? i + j, vector })));
  const seconds = (performance.now() - t) / 1000;
  index.save();
  // The header says which parameters the index was built with (the shipped defaults when none were given).
  const header = JSON.parse(readFileSync(path.join(job.dir, 'index.json'), 'utf8'));
  return { kind: 'build', seconds, M: header.M, efConstruction: header.efConstruction, ef: header.ef, bytes: header.bytes };
}

if (parentPort && workerData) parentPort.postMessage(runJob(workerData as HnswJob));
