/**
 * Part 1 of bench/data.ts: ingestion through the real service, with a compute pool of one thread
 * ("single") and of the machine's default size ("pool"), against the embedder's raw rate on one
 * thread (batches of EMBED_BATCH, one after another: what ingestion did before the pool).
 */
import os from 'node:os';
import path from 'node:path';
import { chunkDocument } from '../../engine/data/chunking.ts';
import { loadDocument } from '../../engine/data/loaders/index.ts';
import type { LoadedModel } from '../../engine/models/types.ts';
import { DataIndexes, EMBED_BATCH } from '../../engine/app/data/indexes.ts';
import { inBackground } from '../../engine/sandbox/compute/compute-pool.ts';
import { resizeComputePool } from '../../engine/sandbox/compute/shared-pool.ts';
import type { Store } from '../../engine/store/types.ts';
import { generateCorpus } from './corpus.ts';
import { CHUNK_TOKENS, CORPUS_KB, EMBEDDER, FILES, GROUPS, INGEST_TARGET, OVERLAP_TOKENS, POOL_TARGET } from './data-settings.ts';
import { median, print, round } from './report.ts';


/** A pool of `threads` threads, each started with the weights loaded (untimed). */
async function poolOf(threads: number, model: LoadedModel): Promise<void> {
  await resizeComputePool(threads);
  const texts = Array.from({ length: 4 }, (_, i) => `warming thread ${i} of the pool`);
  await inBackground(() => Promise.all(Array.from({ length: threads }, () => model.embed!(texts))));
}

export async function ingest(store: Store, dataDir: string, embedder: (id: string) => Promise<LoadedModel>, poolThreads: number): Promise<number[][]> {
  const files = generateCorpus(FILES, CORPUS_KB * 1024);
  const bytes = files.reduce((n, f) => n + f.bytes.byteLength, 0);
  const model = await embedder(EMBEDDER);
  const indexes = new DataIndexes(store, dataDir, embedder);

  // What the service embeds: per file, the distinct texts of its chunks that no earlier file had
  // (content already in the index is not embedded again), in order, in batches per file.
  const perFile: string[][] = [];
  const inIndex = new Set<string>();
  let tokens = 0;
  let chunkCount = 0;
  for (const f of files) {
    const doc = await loadDocument(f);
    const chunks = await chunkDocument(doc, { tokenize: (t) => model.tokenize(t), maxTokens: CHUNK_TOKENS, overlapTokens: OVERLAP_TOKENS });
    const fresh = new Map<string, string>();
    for (const c of chunks) if (!inIndex.has(c.hash) && !fresh.has(c.hash)) fresh.set(c.hash, c.text);
    for (const h of fresh.keys()) inIndex.add(h);
    perFile.push([...fresh.values()]);
    tokens += chunks.reduce((n, c) => n + c.tokens, 0);
    chunkCount += chunks.length;
  }
  const embedded = perFile.reduce((n, t) => n + t.length, 0);
  const formats: Record<string, number> = {};
  for (const f of files) formats[path.extname(f.name).slice(1)] = (formats[path.extname(f.name).slice(1)] ?? 0) + 1;
  print({
    bench: 'ingest', phase: 'corpus', files: files.length, formats, bytes, mb: round(bytes / 1e6, 3), chunks: chunkCount, embedded_texts: embedded,
    mean_chunk_tokens: round(tokens / chunkCount), chunk_tokens: CHUNK_TOKENS, overlap_tokens: OVERLAP_TOKENS, embedder: EMBEDDER,
  });

  // Warm-up, both paths, on a small corpus of its own (other seed): JIT, TF.js kernels, SQLite.
  const warm = generateCorpus(4, 12 * 1024, 99);
  await indexes.create({ name: 'bench-warmup', embeddingModel: EMBEDDER, chunkTokens: CHUNK_TOKENS, overlapTokens: OVERLAP_TOKENS });
  await indexes.addFiles('bench-warmup', warm);
  await indexes.delete('bench-warmup');
  await model.embed!(perFile.flat().slice(0, EMBED_BATCH));

  const sizes = { single: 1, pool: poolThreads } as const;
  for (const kind of Object.keys(sizes)) await indexes.create({ name: `bench-ingest-${kind}`, embeddingModel: EMBEDDER, chunkTokens: CHUNK_TOKENS, overlapTokens: OVERLAP_TOKENS });
  const groups = Math.max(1, Math.min(GROUPS, files.length));
  const rawS: number[] = [];
  const ingestS: Record<keyof typeof sizes, number[]> = { single: [], pool: [] };
  /** CPU seconds of this process (all its threads) per second of the pass: how many cores it got. */
  const cores: Record<keyof typeof sizes, number[]> = { single: [], pool: [] };
  const vectors: number[][] = []; // the raw pass's output: real USE-lite vectors for the shape check
  for (let g = 0; g < groups; g++) {
    const from = Math.floor((g * files.length) / groups);
    const to = Math.floor(((g + 1) * files.length) / groups);
    const texts = perFile.slice(from, to).flat();
    const raw = async () => {
      const t = performance.now();
      for (let i = 0; i < texts.length; i += EMBED_BATCH) vectors.push(...(await model.embed!(texts.slice(i, i + EMBED_BATCH))).vectors);
      rawS.push((performance.now() - t) / 1000);
    };
    const add = (kind: keyof typeof sizes) => async () => {
      await poolOf(sizes[kind], model);
      const t = performance.now();
      const cpu = process.cpuUsage();
      const job = await indexes.addFiles(`bench-ingest-${kind}`, files.slice(from, to));
      const s = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu);
      ingestS[kind].push(s);
      cores[kind].push((used.user + used.system) / 1e6 / s);
      const failed = job.results.filter((r) => r.status !== 'added');
      if (job.status !== 'succeeded' || failed.length) throw new Error(`ingestion job ${job.status} (${job.error}); files not added: ${JSON.stringify(failed.slice(0, 3))}`);
    };
    // The three passes in turn, each group starting with the next one, so a slow spell of this
    // shared machine hits all of them.
    const passes = [['raw', raw], ['single', add('single')], ['pool', add('pool')]] as const;
    const order = [...passes.slice(g % 3), ...passes.slice(0, g % 3)];
    for (const [, pass] of order) await pass();
    const groupBytes = files.slice(from, to).reduce((n, f) => n + f.bytes.byteLength, 0);
    print({
      bench: 'ingest', phase: 'group', group: g, files: to - from, mb: round(groupBytes / 1e6, 3), embedded_texts: texts.length, order: order.map(([name]) => name),
      raw_s: round(rawS[g], 2), single_s: round(ingestS.single[g], 2), pool_s: round(ingestS.pool[g], 2),
      single_vs_raw: round(rawS[g] / ingestS.single[g], 3), pool_vs_single: round(ingestS.single[g] / ingestS.pool[g], 3),
      single_cores: round(cores.single[g], 2), pool_cores: round(cores.pool[g], 2), load_avg_1m: round(os.loadavg()[0], 2),
    });
  }
  const stats = await store.data.stats('bench-ingest-pool');
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const rawTotal = sum(rawS);
  const single = sum(ingestS.single);
  const pool = sum(ingestS.pool);
  print({
    bench: 'ingest', phase: 'summary', files: stats.documents, mb: round(stats.bytes / 1e6, 3), chunks: stats.chunks, embedded_texts: embedded, embedder: EMBEDDER, embed_batch: EMBED_BATCH,
    pool_threads: poolThreads,
    raw_s: round(rawTotal, 1), raw_chunks_per_s: round(embedded / rawTotal, 2),
    single_s: round(single, 1), single_chunks_per_s: round(stats.chunks / single, 2), single_mb_per_min: round(stats.bytes / 1e6 / (single / 60), 3),
    pool_s: round(pool, 1), pool_chunks_per_s: round(stats.chunks / pool, 2), pool_mb_per_min: round(stats.bytes / 1e6 / (pool / 60), 3),
    single_vs_raw: round(rawTotal / single, 3), single_vs_raw_target: INGEST_TARGET,
    pool_vs_single: round(single / pool, 3), pool_vs_single_median_group: round(median(ingestS.single.map((s, i) => s / ingestS.pool[i])), 3), pool_vs_raw: round(rawTotal / pool, 3),
    single_cores_median: round(median(cores.single), 2), pool_cores_median: round(median(cores.pool), 2),
    pool_target: POOL_TARGET, ok: single / pool >= POOL_TARGET && rawTotal / single >= INGEST_TARGET,
  });
  for (const kind of Object.keys(sizes)) await indexes.delete(`bench-ingest-${kind}`);
  await resizeComputePool(poolThreads);
  return vectors;
}
