/** Part 2 of bench/data.ts: HNSW recall and queries/s against exact brute force; graphs built in worker threads. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bruteForceSearch, DEFAULT_EF, VectorIndex } from '../../engine/data/vector-index.ts';
import { DIMS, DISTS, DIST_LABEL, EFS, HNSW, K, N, QPS_TARGET, QUERIES, RECALL_TARGET, SEEDS, WORKERS } from './data-settings.ts';
import { vectorsOf, type Distribution, type HnswJob, type HnswResult } from './hnsw-worker.ts';
import { print, round } from './report.ts';
import { shapeStats, USE_LIKE } from './vectors.ts';


export function runJobs(jobs: HnswJob[]): Promise<HnswResult[]> {
  const self = fileURLToPath(import.meta.url);
  const ext = path.extname(self);
  const file = path.join(path.dirname(self), `hnsw-worker${ext}`);
  // From source (tsx) the worker needs the same loader; the compiled bench needs nothing.
  const execArgv = ext === '.ts' ? ['--import', 'tsx'] : [];
  const results: HnswResult[] = new Array(jobs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await new Promise<HnswResult>((resolve, reject) => {
        const w = new Worker(file, { workerData: jobs[i], execArgv, resourceLimits: { maxOldGenerationSizeMb: 8192 } });
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => code !== 0 && reject(new Error(`hnsw worker exited with ${code}`)));
      });
    }
  };
  return Promise.all(Array.from({ length: Math.max(1, WORKERS) }, lane)).then(() => results);
}


export interface Built {
  dist: Distribution;
  dir: string;
  /** Built with the shipped M and efConstruction (no BENCH_HNSW override). */
  defaults: boolean;
  result: Extract<HnswResult, { kind: 'build' }>;
}

export function measureRetrieval(built: Built[], truths: Map<Distribution, number[][]>): void {
  for (const dist of DISTS) {
    const vectors = vectorsOf(dist)(N, DIMS, SEEDS.vectors);
    const ids = vectors.map((_, i) => i);
    const queries = vectorsOf(dist)(QUERIES, DIMS, SEEDS.queries);
    // Fresh queries for timing, so the timed loop does not reuse the recall queries' cache.
    const timed = vectorsOf(dist)(2000, DIMS, SEEDS.timed);
    const distribution = DIST_LABEL[dist];
    const source = dist === 'uniform' ? 'uniform random unit vectors' : 'synthetic clusters shaped so HNSW finds them about as hard as use-lite embeddings of real text (bench/lib/vectors.ts); not real embeddings';
    print({ bench: 'vector-shape', distribution, source, ...(dist === 'clustered' ? { params: USE_LIKE } : {}), ...shapeStats(vectors) });

    // Brute force, on its own core, on a slice of the same queries (~0.15 s each at 100K).
    const bfQueries = Math.min(QUERIES, 30);
    for (let i = 0; i < 3; i++) bruteForceSearch(vectors, ids, timed[i], K);
    let t = performance.now();
    for (let i = 0; i < bfQueries; i++) bruteForceSearch(vectors, ids, queries[i], K);
    const bfS = (performance.now() - t) / 1000;
    const bfQps = bfQueries / bfS;
    print({ bench: 'retrieval', distribution, method: 'brute_force', vectors: N, dims: DIMS, k: K, queries: bfQueries, queries_per_s: round(bfQps, 2), ms_per_query: round((bfS * 1000) / bfQueries, 2) });

    const truth = truths.get(dist)!.map((r) => new Set(r));
    const lines: { M: number; ef_construction: number; ef: number; recall_at_10: number; queries_per_s: number }[] = [];
    for (const b of built.filter((x) => x.dist === dist)) {
      const { M, efConstruction, ef: defaultEf, seconds, bytes } = b.result;
      t = performance.now();
      const index = VectorIndex.open(b.dir);
      const openS = (performance.now() - t) / 1000;
      print({ bench: 'retrieval', distribution, method: 'hnsw_build', vectors: N, dims: DIMS, M, ef_construction: efConstruction, build_s: round(seconds), vectors_per_s: Math.round(N / seconds), file_mb: round(bytes / 1e6), open_s: round(openS, 2), note: `built in a worker thread, ${WORKERS} builds at once (one per core)` });
      for (const ef of EFS) {
        let hit = 0;
        queries.forEach((q, i) => {
          for (const r of index.search(q, K, { ef })) if (truth[i].has(r.id)) hit++;
        });
        for (let i = 0; i < 50; i++) index.search(timed[i], K, { ef }); // warm-up
        let n = 0;
        t = performance.now();
        // Up to 2 000 queries or ~2 s, at least 100.
        while (n < timed.length && (n < 100 || performance.now() - t < 2000)) index.search(timed[n++], K, { ef });
        const s = (performance.now() - t) / 1000;
        const recall = hit / (QUERIES * K);
        const qps = n / s;
        const line = {
          bench: 'retrieval', distribution, method: 'hnsw', vectors: N, dims: DIMS, k: K, M, ef_construction: efConstruction, ef, shipped_defaults: b.defaults && ef === defaultEf,
          recall_at_10: round(recall, 4), recall_target: RECALL_TARGET, queries: n, queries_per_s: Math.round(qps), qps_target: QPS_TARGET, us_per_query: round((s * 1e6) / n),
          speedup_vs_brute_force: round(qps / bfQps), ok: recall >= RECALL_TARGET && qps >= QPS_TARGET,
        };
        print(line);
        lines.push(line);
      }
    }
    const pick = (l: (typeof lines)[number] | undefined) => (l ? { M: l.M, ef_construction: l.ef_construction, ef: l.ef, recall_at_10: l.recall_at_10, queries_per_s: l.queries_per_s } : null);
    const fast = lines.filter((l) => l.queries_per_s >= QPS_TARGET).sort((a, b) => b.recall_at_10 - a.recall_at_10);
    const good = lines.filter((l) => l.recall_at_10 >= RECALL_TARGET).sort((a, b) => b.queries_per_s - a.queries_per_s);
    print({
      bench: 'retrieval', distribution, method: 'summary', vectors: N, dims: DIMS, targets: { recall_at_10: RECALL_TARGET, queries_per_s: QPS_TARGET },
      settings_meeting_both: lines.filter((l) => l.recall_at_10 >= RECALL_TARGET && l.queries_per_s >= QPS_TARGET).length,
      best_recall_at_qps_target: pick(fast[0]), best_qps_at_recall_target: pick(good[0]),
    });
  }
}
