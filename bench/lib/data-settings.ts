/** What bench/data.ts measures and how much, from the environment (documented there). */
import os from 'node:os';
import type { Distribution } from './hnsw-worker.ts';

export const env = (name: string, dflt: string) => process.env[name] ?? dflt;
export const num = (name: string, dflt: number) => Number(env(name, String(dflt)));
export const list = (name: string, dflt: string) => env(name, dflt).split(',').map((s) => s.trim()).filter(Boolean);

export const PARTS = new Set(list('BENCH_PARTS', 'ingest,retrieval,hybrid'));
export const FILES = num('BENCH_FILES', 150);
export const CORPUS_KB = num('BENCH_CORPUS_KB', 400);
export const GROUPS = num('BENCH_GROUPS', 10);
export const N = num('BENCH_VECTORS', 100_000);
export const DIMS = num('BENCH_DIMS', 512);
export const QUERIES = num('BENCH_QUERIES', 200);
export const EFS = list('BENCH_EFS', '10,16,24,32,40,48,64,128,256,512,1024').map(Number);
export const DISTS = list('BENCH_DISTS', 'uniform,clustered') as Distribution[];
export const HNSW = list('BENCH_HNSW', 'default').map((s) => (s === 'default' ? {} : { M: Number(s.split(':')[0]), efConstruction: Number(s.split(':')[1]) }));
export const CHUNKS = num('BENCH_CHUNKS', 50_000);
export const SEARCHES = num('BENCH_SEARCHES', 300);
export const WORKERS = num('BENCH_WORKERS', Math.min(2, os.cpus().length));
export const K = 10;
export const RECALL_TARGET = 0.95;
export const QPS_TARGET = 2000;
export const INGEST_TARGET = 0.8;
/** Ingestion chunks/s with the compute pool against one thread, same run (issue 12). */
export const POOL_TARGET = 1.6;
export const CHUNK_TOKENS = 256;
export const OVERLAP_TOKENS = 32;
export const EMBEDDER = 'use-lite';
export const SEEDS = { vectors: 1, queries: 2, timed: 3, hybridVectors: 4 };
/** As printed: a clustered line must never read as real embeddings. */
export const DIST_LABEL: Record<Distribution, string> = { uniform: 'uniform-random', clustered: 'synthetic-clustered' };
