/**
 * Vector retrieval only: HNSW vs exact brute force, the `retrieval` part of bench/data.ts (which
 * holds the code and documents the env). Same as `BENCH_PARTS=retrieval npm run bench:data`.
 */
process.env.BENCH_PARTS ??= 'retrieval';
await import('./data.ts');
