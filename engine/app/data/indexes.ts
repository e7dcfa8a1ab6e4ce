/**
 * Data indexes ("add your data"): files → loader → structure-first chunks (in the embedding model's
 * tokens) → embeddings in batches → chunk rows, their full text and their vectors in the store.
 * Search is vector (HNSW), keyword (FTS5/BM25, or tsvector on Postgres) or hybrid (RRF).
 *
 * Files are added by jobs (ingest-jobs.ts); this class owns the indexes, their vectors and search.
 * Loading, chunking and embedding run in the compute pool's threads; vectors are added to a graph in
 * slices and its file saved and opened off the event loop (see VectorIndex), so a big index never
 * holds the server.
 *
 * The store is the truth, vectors included: each instance's HNSW graph of an index is a cache of the
 * store's vectors (vector-caches.ts), built from them (never by embedding again), checked against the
 * index's revision at every search, and kept current by notices other instances send when they
 * commit (index-notices.ts). A document added through one instance is found by a search on any other
 * at once. The graph is saved beside the index's files so a restart need not rebuild it.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { reciprocalRankFusion, type ScoredId, type VectorIndex } from '../../data/vector-index.ts';
import { StagedFiles, type KeptFiles } from '../../data/staged-files.ts';
import { StoreFiles } from './store-files.ts';
import { tryLock } from '../../data/write-lock.ts';
import { MemoryBus } from '../../bus/memory-bus.ts';
import type { Bus, Lock } from '../../bus/types.ts';
import { EMBED_BATCH } from '../../data/embed-batches.ts';
import { WeirError } from '../../errors.ts';
import type { LoadedModel } from '../../models/types.ts';
import type { IndexQuery, RetrievedChunk } from '../../node-definition.ts';
import type { DataChunkRow, DataDocumentRow, DataIndexRow, DataIndexStats, DataJobRow } from '../../store/data-types.ts';
import type { Store } from '../../store/types.ts';
import { announcingStore, IndexNotices } from './index-notices.ts';
import { IngestJobs, type IncomingFile } from './ingest-jobs.ts';
import { VectorCaches } from './vector-caches.ts';
import type { WorkQueue } from '../../queue/types.ts';
import type { JobProgress, JobView } from './ingest-progress.ts';
import type { DataJobOptions } from '../../store/data-types.ts';

export { EMBED_BATCH };

export const INDEX_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const DEFAULT_EMBEDDING_MODEL = 'use-lite';
export const DEFAULT_CHUNK_TOKENS = 256;
export const DEFAULT_OVERLAP_TOKENS = 32;

export type SearchMode = IndexQuery['mode'];
export type SearchOptions = Partial<IndexQuery>;
export type SearchHit = RetrievedChunk & { metadata?: Record<string, string | number | boolean> };

export type Embedder = (model: string) => Promise<LoadedModel>;

/**
 * How long an instance's write lock on an index outlives the instance (a SIGKILL): the holder
 * extends it every third of that while it writes.
 */
export const SHARED_LOCK_TTL_MS = 30_000;

export class DataIndexes {
  /**
   * The store, with every commit to an index's chunks or vectors announced (to this instance's
   * cache, and on the bus to the others), whoever makes it: jobs write through this.
   */
  readonly store: Store;
  /** Indexes whose write lock this process holds (a job runs, or a document is being deleted). */
  readonly #writing = new Map<string, () => void>();
  readonly #caches: VectorCaches;
  readonly #notices: IndexNotices;
  readonly jobs: IngestJobs;

  /**
   * `bus` carries the write lock and the vector notices instances share (Redis); the in-process one
   * when alone. `queue`: the workspace's (it starts the workers); without one, jobs go to a queue in
   * the store that this object works itself.
   */
  constructor(
    store: Store,
    readonly dir: string,
    readonly embedder: Embedder,
    private readonly bus: Bus = new MemoryBus(),
    queue?: WorkQueue,
  ) {
    this.#notices = new IndexNotices(bus, (n) => this.#caches.apply(n));
    this.store = announcingStore(store, (c) => {
      this.#caches.committed(c);
      this.#notices.publish(c);
    });
    this.#caches = new VectorCaches(this.store.data, {
      dirOf: (name) => this.dirOf(name),
      embedder: (model) => this.embedder(model),
      writing: (name) => this.#writing.has(name),
      tryLock: (name) =>
        this.lock(name).catch((err: unknown) => {
          if (!(err instanceof WeirError && err.code === 'index_busy')) console.error(`could not take the write lock of data index "${name}":`, (err as Error).message);
          return undefined;
        }),
    });
    this.jobs = new IngestJobs(this, queue);
  }

  /** Stops listening to other instances' changes to indexes (jobs stop with `jobs.close()`). */
  async close(): Promise<void> {
    await this.#notices.close();
  }

  /** Adds files and waits until they are indexed (the job's final view, with each file's outcome). */
  addFiles(name: string, files: IncomingFile[], options: DataJobOptions = {}, onProgress?: (p: JobProgress) => void): Promise<JobView> {
    return this.jobs.addFiles(name, files, options, onProgress);
  }

  dirOf(name: string): string {
    return path.join(this.dir, 'indexes', name);
  }

  /** An index's kept upload files: in its folder on the embedded store, in the database on a server one (every instance reads them). */
  files(name: string): KeptFiles {
    return this.store.kind === 'postgres' ? new StoreFiles(this.store.data, name) : new StagedFiles(path.join(this.dirOf(name), 'files'));
  }

  async create(o: { name: string; embeddingModel?: string; chunkTokens?: number; overlapTokens?: number }): Promise<DataIndexRow> {
    if (!INDEX_NAME.test(o.name)) {
      throw new WeirError('invalid_name', 'an index name is lower-case letters, digits, - and _, starting with a letter or digit, up to 63 characters', { status: 400, path: ['name'] });
    }
    if (await this.store.data.getIndex(o.name)) throw new WeirError('index_exists', `data index "${o.name}" already exists`, { status: 409, path: ['name'] });
    const settings = await this.settings(o.embeddingModel ?? DEFAULT_EMBEDDING_MODEL, o.chunkTokens ?? DEFAULT_CHUNK_TOKENS, o.overlapTokens ?? DEFAULT_OVERLAP_TOKENS);
    rmSync(this.dirOf(o.name), { recursive: true, force: true });
    const row = await this.store.data.createIndex({ name: o.name, ...settings });
    this.#caches.forget(o.name);
    return row;
  }

  /** Checks an embedding model and chunk sizes; returns what the index row records. */
  async settings(embeddingModel: string, chunkTokens: number, overlapTokens: number) {
    if (!Number.isInteger(chunkTokens) || chunkTokens < 16 || chunkTokens > 8192) {
      throw new WeirError('invalid_chunk_tokens', `chunk_tokens must be an integer from 16 to 8192, got ${chunkTokens}`, { status: 400, path: ['chunk_tokens'] });
    }
    if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= chunkTokens / 2) {
      throw new WeirError('invalid_overlap_tokens', `overlap_tokens must be an integer from 0 to less than half of chunk_tokens (${chunkTokens}), got ${overlapTokens}`, { status: 400, path: ['overlap_tokens'] });
    }
    // use() may throw before it returns a promise.
    const model = await Promise.resolve().then(() => this.embedder(embeddingModel)).catch((err: unknown) => {
      if (err instanceof WeirError && err.status === 404) throw new WeirError('model_not_found', err.message, { status: 422, path: ['embedding_model'], cause: err });
      throw err;
    });
    if (!model.embed) throw new WeirError('not_an_embedding_model', `model "${embeddingModel}" does not make embeddings`, { status: 422, path: ['embedding_model'] });
    const dims = model.entry.dimensions ?? (await model.embed(['dimensions probe'])).vectors[0].length;
    return { embeddingModel, dims, chunkTokens, overlapTokens };
  }

  async get(name: string): Promise<DataIndexRow> {
    const row = await this.store.data.getIndex(name);
    if (!row) throw new WeirError('index_not_found', `data index "${name}" not found`, { status: 404 });
    return row;
  }

  list(): Promise<DataIndexRow[]> {
    return this.store.data.listIndexes();
  }

  stats(name: string): Promise<DataIndexStats> {
    return this.store.data.stats(name);
  }

  /** The newest job of an index, if it ever had one. */
  async lastJob(name: string): Promise<DataJobRow | undefined> {
    return (await this.store.data.listJobs(name, 1))[0];
  }

  documents(name: string): Promise<DataDocumentRow[]> {
    return this.store.data.listDocuments(name);
  }

  /** One document with its chunks in order, or undefined when the index has no such document. */
  async document(name: string, document: string): Promise<{ document: DataDocumentRow; chunks: DataChunkRow[] } | undefined> {
    const doc = await this.store.data.getDocument(name, document);
    return doc && { document: doc, chunks: await this.store.data.documentChunks(name, doc.name) };
  }

  /** Bytes on disk here: the saved vector graph and the kept files (the store's share is not split per index). */
  async diskBytes(name: string): Promise<number> {
    let n = 0;
    const dir = this.dirOf(name);
    const add = (f: string) => {
      if (existsSync(f)) n += statSync(f).size;
    };
    const loaded = this.#caches.loaded(name);
    if (loaded) add(loaded.file);
    for (const d of await this.store.data.listDocuments(name)) add(path.join(dir, 'files', d.hash));
    return n;
  }

  /** Removes an index with its documents, chunks, vectors and kept files; its jobs are stopped first. */
  async delete(name: string): Promise<boolean> {
    await this.get(name);
    await this.jobs.stopIndex(name);
    const lock = this.#writing.has(name) ? undefined : await this.lock(name);
    try {
      // Every instance drops its cache (the store announces the delete).
      const removed = await this.store.data.deleteIndex(name);
      this.#caches.forget(name);
      rmSync(this.dirOf(name), { recursive: true, force: true });
      return removed;
    } finally {
      lock?.();
    }
  }

  /**
   * Takes the index's write lock: for this process (a lock file: `weir data add` may share the data
   * folder), then on the bus (every instance sharing the store). Throws `index_busy` naming who
   * holds it. Returns the release function.
   */
  async lock(name: string): Promise<() => void> {
    if (this.#writing.has(name)) throw new WeirError('index_busy', `data index "${name}" is being written by this server; try again when its job ends`, { status: 409 });
    const got = tryLock(this.dirOf(name));
    if ('heldBy' in got) throw new WeirError('index_busy', `data index "${name}" is being written by another process (pid ${got.heldBy}); try again when it ends`, { status: 409 });
    // Taken here before the bus answers, so a second caller in this process is refused at once.
    this.#writing.set(name, got.release);
    let shared: Lock | undefined;
    try {
      shared = await this.bus.lock(`index-writer:${name}`, SHARED_LOCK_TTL_MS);
    } finally {
      if (!shared) {
        this.#writing.delete(name);
        got.release();
      }
    }
    if (!shared) throw new WeirError('index_busy', `data index "${name}" is being written by another instance; try again when its job ends`, { status: 409 });
    const held = shared;
    const keep = setInterval(() => {
      held.extend(SHARED_LOCK_TTL_MS).then(
        (ok) => ok || console.error(`lost the write lock of data index "${name}" (the bus was away for over ${SHARED_LOCK_TTL_MS / 1000} s)`),
        (err: unknown) => console.error(`could not extend the write lock of data index "${name}":`, (err as Error).message),
      );
    }, SHARED_LOCK_TTL_MS / 3);
    keep.unref();
    return () => {
      clearInterval(keep);
      this.#writing.delete(name);
      got.release();
      void held.release().catch((err: unknown) => console.error(`could not release the write lock of data index "${name}":`, (err as Error).message));
    };
  }

  async deleteDocument(name: string, document: string): Promise<boolean> {
    await this.get(name);
    const ownLock = this.#writing.has(name) ? undefined : await this.lock(name);
    try {
      const deleted = await this.store.data.deleteDocument(name, document);
      if (!deleted) return false;
      // A cache loaded here is this writer's to bring forward; others read the notice.
      const loaded = this.#caches.loaded(name);
      if (loaded) {
        await loaded.removeGradually(deleted.chunkIds);
        await this.saveVectors(name);
      }
      if (ownLock) await this.files(name).prune(await this.store.data.referencedHashes(name));
      return true;
    } finally {
      ownLock?.();
    }
  }

  /**
   * The index's vectors (a cache of the store's), current with the revision of `index`: a row read
   * just before, as every search and job does.
   */
  async vectors(index: DataIndexRow): Promise<VectorIndex> {
    await this.#notices.listen();
    return this.#caches.current(index);
  }

  /** Saves an index's vector graph beside its files (off the event loop: see VectorIndex.saveAsync); the caller writes the index. */
  saveVectors(name: string): Promise<void> {
    return this.#caches.save(name);
  }

  /** Drops the vectors cached for an index (after a re-index changed its model). */
  forgetVectors(name: string): void {
    this.#caches.forget(name);
  }

  async search(name: string, query: string | number[], o: SearchOptions = {}): Promise<SearchHit[]> {
    const index = await this.get(name);
    const k = o.k ?? 4;
    const mode = o.mode ?? 'hybrid';
    if (typeof query !== 'string' && mode !== 'vector') {
      throw new WeirError('invalid_query', 'a vector query searches in vector mode only; give text for keyword or hybrid search', { status: 400, path: ['mode'] });
    }
    if (typeof query === 'string' && !query.trim()) return [];
    const allowed = await this.#filter(name, o);
    if (allowed && !allowed.documents.length) return [];
    // Fetch more than k from each side: fusion and the threshold drop some.
    const wide = Math.max(k * 4, 20);
    let vectorHits: ScoredId[] = [];
    if (mode !== 'keyword') {
      const vector = typeof query === 'string' ? await this.#embedQuery(index, query) : query;
      if (vector.length !== index.dims) {
        throw new WeirError('invalid_vector', `the query vector has ${vector.length} dimensions; index "${name}" holds ${index.dims}-dimensional vectors`, { status: 400, path: ['vector'] });
      }
      const ids = allowed?.chunkIds;
      vectorHits = (await this.vectors(index)).search(vector, wide, ids ? { filter: (id) => ids.has(id) } : {});
      if (o.threshold !== undefined) vectorHits = vectorHits.filter((h) => h.score >= o.threshold!);
    }
    const keywordHits = mode === 'vector' ? [] : await this.store.data.keywordSearch(name, query as string, wide, allowed?.documents);
    const hits = mode === 'vector' ? vectorHits : mode === 'keyword' ? keywordHits : reciprocalRankFusion([vectorHits, keywordHits]);
    const top = hits.slice(0, k);
    const rows = new Map((await this.store.data.chunks(top.map((h) => h.id))).map((c) => [c.id, c]));
    const docs = await this.store.data.documentNames([...new Set([...rows.values()].map((c) => c.document))]);
    return top.flatMap((h) => {
      const c = rows.get(h.id);
      return c ? [hitOf(c, h.score, docs.get(c.document) ?? '')] : [];
    });
  }

  async #embedQuery(index: DataIndexRow, query: string): Promise<number[]> {
    const model = await this.embedder(index.embeddingModel);
    return (await model.embed!([query])).vectors[0];
  }

  /** Documents (and their chunk ids) a search is limited to, or undefined for no limit. */
  async #filter(name: string, o: SearchOptions): Promise<{ documents: number[]; chunkIds: Set<number> } | undefined> {
    if (!o.sources?.length && !o.tags?.length) return undefined;
    const sources = o.sources?.length ? new Set(o.sources) : undefined;
    const documents = (await this.store.data.listDocuments(name))
      .filter((d) => (!sources || sources.has(d.name)) && (!o.tags?.length || o.tags.some((t) => d.tags.includes(t))))
      .map((d) => d.id);
    return { documents, chunkIds: new Set(await this.store.data.chunkIdsOfDocuments(documents)) };
  }
}

function hitOf(c: DataChunkRow, score: number, source: string): SearchHit {
  const hit: SearchHit = { id: c.id, score, text: c.text, source, title: c.title, heading_path: c.headingPath, page: c.page, start: c.start, end: c.end };
  if (c.metadata) hit.metadata = c.metadata;
  return hit;
}
