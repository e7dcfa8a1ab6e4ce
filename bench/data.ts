/**
 * "Add your data" benchmark (issue #5). Prints JSON lines, each with the machine, for:
 *
 * 1. ingest — a generated corpus (.md/.txt/.html, seeded) added through the real service (DataIndexes
 *    over the SQLite store, the default embedder `use-lite`) to two fresh data indexes: once with a
 *    compute pool of one thread ("single") and once with the pool's default size ("pool", the
 *    machine's threads: defaultThreads() as the server picks it, before this script sets
 *    WEIR_THREADS), against the embedder's own rate on one thread on exactly the texts the service
 *    embeds (each file's chunks whose content the index does not hold yet), called directly in
 *    batches of EMBED_BATCH one after another ("raw": how ingestion ran before the pool). The corpus
 *    goes in in groups (one job each); each group's three passes run back to back, each group
 *    starting with the next one, so a slow spell of this shared machine hits all of them.
 *    pool_vs_single is single seconds / pool seconds (target ≥ 1.6 on 2 cores), single_vs_raw raw
 *    seconds / single seconds (1.0 = ingestion costs nothing beyond embedding on one thread).
 * 2. retrieval — HNSW (engine/data/vector-index.ts) against exact brute force on 100K 512-d unit
 *    vectors: `uniform-random` (the worst case for a graph index), and on lines of their own,
 *    `synthetic-clustered` vectors calibrated to be about as hard for HNSW as use-lite embeddings
 *    of real text (bench/lib/vectors.ts; the `vector-shape` lines give their statistics). Per ef:
 *    recall@10 and queries/s on one core; brute-force queries/s in the same run; a summary of the
 *    settings meeting both targets. Graphs are built in worker threads, two at once (one per core);
 *    every timed query runs afterwards, alone.
 * 3. hybrid — `DataIndexes.search` end to end (query embedding, HNSW, FTS5/BM25, fusion, chunk
 *    fetch) on an index of 50K chunks: rows written with store.data.putDocument (generated text),
 *    vectors (synthetic-clustered; queries are real use-lite embeddings) written with VectorIndex
 *    into the index's directory under the chunk ids putDocument returned, then opened by a fresh
 *    DataIndexes. p50/p99 for hybrid, keyword and vector modes, and each part on its own.
 *
 * Threads: use-lite runs TF.js's single-threaded wasm build under Node, so a compute thread uses one
 * core and the pool's threads are the parallelism. The bench sets WEIR_THREADS=1 unless given, so
 * another local embedder swapped in (onnxruntime, llama.cpp) is measured on one core; the ingest
 * part's pool size is taken before that (BENCH_POOL_THREADS overrides it).
 *
 * Env (defaults in brackets); the defaults take about 11 minutes on 2 vCPUs (the ingest part ~3.5):
 *   BENCH_PARTS      which parts [ingest,retrieval,hybrid]
 *   BENCH_FILES      corpus files [150]          BENCH_CORPUS_KB  corpus text, KB [400] (~1 min a pass per 100 KB)
 *   BENCH_GROUPS     raw/single/pool triples [10]  BENCH_POOL_THREADS  the pool's size [defaultThreads()]
 *   BENCH_VECTORS    retrieval set size [100000] BENCH_DIMS       [512]
 *   BENCH_QUERIES    recall queries [200]        BENCH_EFS        ef sweep [10,16,24,32,40,48,64,128,256,512,1024]
 *   BENCH_DISTS      [uniform,clustered]
 *   BENCH_HNSW       graphs to build per distribution, "M:efConstruction,…" [default = the shipped ones]
 *   BENCH_CHUNKS     hybrid index size [50000]   BENCH_SEARCHES   hybrid queries [300]
 *   BENCH_WORKERS    build threads [min(2, cpus)]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_EF } from '../engine/data/vector-index.ts';
import { ModelCatalog } from '../engine/models/catalog.ts';
import { defaultThreads } from '../engine/models/threads.ts';
import { resizeComputePool } from '../engine/sandbox/compute/shared-pool.ts';
import { ModelDeployments } from '../engine/app/model-deployments.ts';
import { openStore } from '../engine/store/open.ts';
import { hybridRows, measureHybrid } from './lib/data-hybrid.ts';
import { ingest } from './lib/data-ingest.ts';
import { measureRetrieval, runJobs } from './lib/hnsw-recall.ts';
import { DIMS, DISTS, HNSW, K, N, PARTS, QUERIES, SEEDS } from './lib/data-settings.ts';
import type { Distribution, HnswJob, HnswResult } from './lib/hnsw-worker.ts';
import { print, round } from './lib/report.ts';
import { shapeStats } from './lib/vectors.ts';

const POOL_THREADS = Number(process.env.BENCH_POOL_THREADS ?? defaultThreads());
process.env.WEIR_THREADS ??= '1';
await resizeComputePool(POOL_THREADS);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-data-'));
const started = performance.now();
const store = await openStore({ dataDir });
const deployments = new ModelDeployments(store, new ModelCatalog(() => store.models.list()), { threads: defaultThreads() });
const embedder = (id: string) => deployments.use(id);
try {
  if (PARTS.has('ingest')) {
    const real = await ingest(store, dataDir, embedder, POOL_THREADS);
    if (real.length >= 200) print({ bench: 'vector-shape', distribution: 'use-lite-real', source: 'use-lite embeddings of the ingested chunks (real model, generated text)', ...shapeStats(real) });
  }
  let rows: { ids: number[]; seconds: number; dir: string } | undefined;
  if (PARTS.has('hybrid')) rows = await hybridRows(store, dataDir, embedder);

  const jobs: HnswJob[] = [];
  const dirs: { dist: Distribution; dir: string; defaults: boolean }[] = [];
  if (PARTS.has('retrieval')) {
    for (const dist of DISTS)
      for (const h of HNSW) {
        const dir = path.join(dataDir, 'retrieval', `${dist}-${dirs.length}`);
        dirs.push({ dist, dir, defaults: h.M === undefined });
        jobs.push({ kind: 'build', dist, n: N, dims: DIMS, seed: SEEDS.vectors, dir, ...h });
      }
  }
  if (rows) jobs.push({ kind: 'build', dist: 'clustered', n: rows.ids.length, dims: DIMS, seed: SEEDS.hybridVectors, dir: rows.dir, ids: rows.ids });
  if (PARTS.has('retrieval')) for (const dist of DISTS) jobs.push({ kind: 'truth', dist, n: N, dims: DIMS, seed: SEEDS.vectors, querySeed: SEEDS.queries, queries: QUERIES, k: K });
  const results = await runJobs(jobs);

  if (PARTS.has('retrieval')) {
    const built = dirs.map((d, i) => ({ ...d, result: results[i] as Extract<HnswResult, { kind: 'build' }> }));
    const truths = new Map<Distribution, number[][]>();
    jobs.forEach((j, i) => j.kind === 'truth' && truths.set(j.dist, (results[i] as Extract<HnswResult, { kind: 'truth' }>).ids));
    measureRetrieval(built, truths);
  }
  if (rows) {
    const i = jobs.findIndex((j) => j.kind === 'build' && j.ids);
    await measureHybrid(store, dataDir, embedder, { dist: 'clustered', dir: rows.dir, defaults: true, result: results[i] as Extract<HnswResult, { kind: 'build' }> }, rows.seconds);
  }
  print({ bench: 'done', seconds: round((performance.now() - started) / 1000), default_ef: DEFAULT_EF });
} finally {
  await deployments.close();
  await resizeComputePool();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}

