/** Part 3 of bench/data.ts: DataIndexes.search latency (hybrid, keyword, vector) on a large index. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashText } from '../../engine/data/chunking.ts';
import { VectorIndex } from '../../engine/data/vector-index.ts';
import type { LoadedModel } from '../../engine/models/types.ts';
import { DataIndexes, type SearchMode } from '../../engine/app/data/indexes.ts';
import type { Store } from '../../engine/store/types.ts';
import { TextGen, TOPIC_NAMES } from './corpus.ts';
import { CHUNKS, CHUNK_TOKENS, DIMS, DIST_LABEL, EMBEDDER, OVERLAP_TOKENS, SEARCHES, SEEDS } from './data-settings.ts';
import type { Built } from './hnsw-recall.ts';
import { ms, print, round } from './report.ts';
import { clusteredVectors } from './vectors.ts';


export const HYBRID_INDEX = 'bench-hybrid';
export const CHUNKS_PER_DOC = 100;
/** One rare word: a keyword search for it takes milliseconds unless its cost grows with the index. */
export const PROBE_QUERY = 'telescope';
export const PROBE_GUARD_MS = 500;

export async function hybridRows(store: Store, dataDir: string, embedder: (id: string) => Promise<LoadedModel>): Promise<{ ids: number[]; seconds: number; dir: string }> {
  const indexes = new DataIndexes(store, dataDir, embedder);
  // The vectors the worker builds the graph from (same seed): the store holds them too.
  const vectors = clusteredVectors(CHUNKS, DIMS, SEEDS.hybridVectors);
  const t = performance.now();
  const ids = await writeRows(store, indexes, HYBRID_INDEX, CHUNKS, 41, vectors);
  const seconds = (performance.now() - t) / 1000;
  await indexes.jobs.close();
  await indexes.close();
  // Where DataIndexes keeps this index's saved graph: the build writes it there under these ids.
  return { ids, seconds, dir: indexes.dirOf(HYBRID_INDEX) };
}

/** An index of `count` generated chunks with `vectors` (by position), 100 to a document, written straight to the store. */
export async function writeRows(store: Store, indexes: DataIndexes, name: string, count: number, seed: number, vectors: Float32Array[]): Promise<number[]> {
  await indexes.create({ name, embeddingModel: EMBEDDER, chunkTokens: CHUNK_TOKENS, overlapTokens: OVERLAP_TOKENS });
  const g = new TextGen(seed);
  const ids: number[] = [];
  for (let d = 0; ids.length < count; d++) {
    const topic = TOPIC_NAMES[d % TOPIC_NAMES.length];
    const title = g.heading(topic);
    const n = Math.min(CHUNKS_PER_DOC, count - ids.length);
    let at = 0;
    let heading = g.heading(topic);
    const chunks = Array.from({ length: n }, (_, i) => {
      if (i % 5 === 0) heading = g.heading(g.rand() < 0.8 ? topic : g.pick(TOPIC_NAMES));
      const text = g.paragraph(topic, 3, 7);
      const c = { idx: i, text, title, headingPath: [title, heading], page: null, start: at, end: at + text.length, tokens: Math.round(text.length / 4), hash: hashText(text), vector: vectors[ids.length + i] };
      at += text.length + 2;
      return c;
    });
    const r = await store.data.putDocument(name, { name: `doc-${String(d).padStart(5, '0')}-${topic}.md`, format: 'md', title, hash: hashText(`${seed}:${d}:${title}`), bytes: at }, chunks);
    ids.push(...r.chunkIds);
  }
  return ids;
}

export async function measureHybrid(store: Store, dataDir: string, embedder: (id: string) => Promise<LoadedModel>, build: Built, rowsS: number): Promise<void> {
  print({ bench: 'hybrid', phase: 'index', chunks: CHUNKS, documents: Math.ceil(CHUNKS / CHUNKS_PER_DOC), rows_s: round(rowsS, 1), vectors: DIST_LABEL.clustered, M: build.result.M, ef_construction: build.result.efConstruction, ef: build.result.ef, vector_build_s: round(build.result.seconds) });
  // A DataIndexes that has never seen the index: it opens the graph saved on disk and checks it
  // against the store, as after a restart; another, in an empty data folder, builds it from the
  // store's vectors, as a new instance of a cluster does.
  const indexes = new DataIndexes(store, dataDir, embedder);
  const row = await indexes.get(HYBRID_INDEX);
  let t = performance.now();
  await indexes.vectors(row);
  const openS = (performance.now() - t) / 1000;
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-cold-'));
  const cold = new DataIndexes(store, elsewhere, embedder);
  t = performance.now();
  const built = await cold.vectors(row);
  const coldS = (performance.now() - t) / 1000;
  print({ bench: 'hybrid', phase: 'cache', chunks: CHUNKS, open_saved_s: round(openS, 2), build_from_store_s: round(coldS, 1), built_vectors: built.count });
  await cold.jobs.close();
  await cold.close();
  rmSync(elsewhere, { recursive: true, force: true });
  const model = await embedder(EMBEDDER);
  const g = new TextGen(77);
  const queries = Array.from({ length: SEARCHES }, () => g.query());
  let modes: SearchMode[] = ['hybrid', 'keyword', 'vector'];
  // A keyword query that takes minutes would hold this run for hours, and one running cannot be
  // stopped: first time one single-word query (cheap for any sane plan; with a plan that evaluates
  // the MATCH once per chunk of the index it already takes seconds).
  t = performance.now();
  await store.data.keywordSearch(HYBRID_INDEX, PROBE_QUERY, 20);
  const probeMs = performance.now() - t;
  if (probeMs > PROBE_GUARD_MS) {
    modes = ['vector'];
    print({ bench: 'hybrid', mode: 'keyword', chunks: CHUNKS, error: 'keyword search too slow to measure: hybrid and keyword modes skipped', probe_query: PROBE_QUERY, probe_ms: round(probeMs), guard_ms: PROBE_GUARD_MS });
  }
  for (const q of queries.slice(0, 20)) for (const mode of modes) await indexes.search(HYBRID_INDEX, q, { k: 5, mode });
  const times: Record<SearchMode, number[]> = { hybrid: [], keyword: [], vector: [] };
  const full: Record<SearchMode, number> = { hybrid: 0, keyword: 0, vector: 0 };
  for (let i = 0; i < queries.length; i++) {
    // Rotate the order so no mode always runs first (warm caches) or last.
    for (let m = 0; m < modes.length; m++) {
      const mode = modes[(i + m) % modes.length];
      t = performance.now();
      const hits = await indexes.search(HYBRID_INDEX, queries[i], { k: 5, mode });
      times[mode].push(performance.now() - t);
      if (hits.length === 5) full[mode]++;
    }
  }
  for (const mode of modes) print({ bench: 'hybrid', mode, vectors: DIST_LABEL.clustered, text: 'generated', chunks: CHUNKS, k: 5, queries: queries.length, ...ms(times[mode]), queries_with_5_hits: full[mode] });

  // The parts on their own, same queries: where an end-to-end millisecond goes.
  const vectors = VectorIndex.open(build.dir);
  const parts: Record<string, number[]> = { embed_query: [], hnsw: [], fts5_bm25: [], fetch_chunks: [], document_names: [] };
  for (const q of queries) {
    t = performance.now();
    const [v] = (await model.embed!([q])).vectors;
    parts.embed_query.push(performance.now() - t);
    t = performance.now();
    const vh = vectors.search(v, 20);
    parts.hnsw.push(performance.now() - t);
    t = performance.now();
    const kh = modes.includes('keyword') ? await store.data.keywordSearch(HYBRID_INDEX, q, 20) : [];
    if (modes.includes('keyword')) parts.fts5_bm25.push(performance.now() - t);
    t = performance.now();
    const rows = await store.data.chunks([...new Set([...vh, ...kh].map((h) => h.id))]);
    parts.fetch_chunks.push(performance.now() - t);
    t = performance.now();
    await store.data.documentNames([...new Set(rows.map((c) => c.document))]);
    parts.document_names.push(performance.now() - t);
  }
  print({ bench: 'hybrid', phase: 'parts', chunks: CHUNKS, queries: queries.length, wide_k: 20, ...Object.fromEntries(Object.entries(parts).filter(([, xs]) => xs.length).map(([k, xs]) => [k, ms(xs)])) });
  await indexes.jobs.close();
  await indexes.close();
}
