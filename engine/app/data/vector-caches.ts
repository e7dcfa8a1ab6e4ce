/**
 * Each data index's vectors as this instance searches them: an HNSW graph (VectorIndex) that caches
 * the vectors the store holds. Nothing is embedded to fill it: vectors are read from the store.
 *
 * A cache remembers the index revision it holds. A search reads the index row anyway; if its revision
 * is another, the cache checks itself against the store by chunk ids (removes what the store no
 * longer has, reads what it lacks) before it answers. Notices from other instances (index-notices.ts)
 * usually bring it forward first, one commit at a time; the revision check is what makes a lost one
 * harmless. Loads, checks and notices of one index run one at a time, in order.
 *
 * The graph is also saved under <data dir>/indexes/<name>/ so a restart opens it in a fraction of a
 * second instead of inserting every vector again; it is saved by whoever holds the folder's lock
 * file, and on opening it is checked against the store like any cache.
 *
 * Chunks written before the store kept vectors have none: the instance that can take the index's
 * write lock gives them one — the vector its old file holds, one of the same text in the index, or
 * failing both a new embedding — and stores it for everyone.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { embedUnique } from '../../data/embed-batches.ts';
import { HEADER } from '../../data/vector-file.ts';
import { VectorIndex } from '../../data/vector-index.ts';
import { tryLock } from '../../data/write-lock.ts';
import type { LoadedModel } from '../../models/types.ts';
import type { ChunkVector, DataIndexRow, DataStore } from '../../store/data-types.ts';
import type { Commit, IndexNotice } from './index-notices.ts';

/** Vectors read from the store at a time: ~1 MB of 512-d vectors. */
const PAGE = 500;
/** How often an instance that only follows others' commits saves its graph file (a restart re-reads what came after). */
const FOLLOWER_SAVE_MS = 30_000;

export interface CacheHost {
  dirOf(name: string): string;
  embedder(model: string): Promise<LoadedModel>;
  /** Whether this process holds the index's write lock. */
  writing(name: string): boolean;
  /** Takes the index's write lock if no one holds it; undefined when someone does. */
  tryLock(name: string): Promise<(() => void) | undefined>;
}

interface Entry {
  vectors: VectorIndex;
  /** The revision the graph holds (a later commit may be in it too); -1 until checked. */
  revision: number;
  /** Which index it caches: a new index of the same name, or a re-index, is another one. */
  createdAt: number;
  embeddingModel: string;
  savedAt: number;
}

const fits = (e: Entry, row: DataIndexRow) => e.createdAt === row.createdAt && e.embeddingModel === row.embeddingModel && e.vectors.dims === row.dims;

export class VectorCaches {
  readonly #entries = new Map<string, Entry>();
  /** Per index: the tail of its loads, checks and notices. */
  readonly #tails = new Map<string, Promise<unknown>>();

  /** `data` is the announcing store: vectors given to old chunks are told to the other instances. */
  constructor(
    private readonly data: DataStore,
    private readonly host: CacheHost,
  ) {}

  /** The index's vectors, holding at least the revision of `index` (a row the caller just read). */
  current(index: DataIndexRow): Promise<VectorIndex> {
    const e = this.#entries.get(index.name);
    if (e && fits(e, index) && e.revision >= index.revision) return Promise.resolve(e.vectors);
    return this.#serial(index.name, () => this.#sync(index));
  }

  /** The graph loaded for an index, if any (as it is: not checked). */
  loaded(name: string): VectorIndex | undefined {
    return this.#entries.get(name)?.vectors;
  }

  /**
   * A commit this process made. A change is applied by its writer (the job or the delete that made
   * it), so a cache that held the revision before now holds this one; a reset drops the cache.
   */
  committed(c: Commit): void {
    if (c.kind === 'reset') return this.forget(c.index);
    const e = this.#entries.get(c.index);
    if (e && e.revision === c.revision - 1) e.revision = c.revision;
  }

  /** Another instance's notice: applied in order with this index's other work, if it is loaded here. */
  apply(n: IndexNotice): void {
    if (!this.#entries.has(n.index) && !this.#tails.has(n.index)) return;
    this.#serial(n.index, async () => {
      const e = this.#entries.get(n.index);
      if (!e) return;
      if (n.kind === 'reset') return this.forget(n.index);
      // Too big to list: the next search checks the cache against the store.
      if (n.kind === 'stale') return void (e.revision = -1);
      // Already in (the cache was checked after it), or one before it was missed: then the next
      // search finds the revision moved and checks the cache against the store.
      if (n.revision !== e.revision + 1) return;
      // A commit is stored before it is told: a notice ahead of the store is not believed (nor
      // anything it lists), so it cannot make the cache claim a revision it does not hold.
      const row = await this.data.getIndex(n.index);
      if (!row || row.createdAt !== e.createdAt || row.revision < n.revision) return;
      await e.vectors.removeGradually(n.removed);
      await addUsable(e.vectors, await this.data.chunkVectors(n.index, n.added));
      e.revision = n.revision;
      if (Date.now() - e.savedAt > FOLLOWER_SAVE_MS) await this.#saveIfFree(n.index, e);
    }).catch((err: unknown) => console.error(`could not apply another instance's change to data index "${n.index}":`, (err as Error).message));
  }

  /** Saves the graph file; the caller holds the index's write lock. */
  async save(name: string): Promise<void> {
    const e = this.#entries.get(name);
    if (!e) return;
    await e.vectors.saveAsync();
    e.savedAt = Date.now();
  }

  /** Drops the cache and its file (a re-index or a deleted index made them worthless). */
  forget(name: string): void {
    this.#entries.delete(name);
    VectorIndex.removeFiles(this.host.dirOf(name));
  }

  #serial<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#tails.get(name) ?? Promise.resolve()).then(fn);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.#tails.set(name, tail);
    void tail.then(() => this.#tails.get(name) === tail && this.#tails.delete(name));
    return run;
  }

  async #sync(index: DataIndexRow): Promise<VectorIndex> {
    let e = this.#entries.get(index.name);
    if (e && !fits(e, index)) {
      this.#entries.delete(index.name);
      e = undefined;
    }
    if (e && e.revision >= index.revision) return e.vectors; // brought forward while this waited
    const opened = !e;
    e ??= await this.#open(index);
    // The revision is read before the ids: once they are applied, the cache holds at least it.
    let row = await this.data.getIndex(index.name);
    if (!row || !fits(e, row)) return e.vectors; // deleted or re-indexed meanwhile: the caller's next look sees it
    let ids = await this.data.vectorIds(row.name);
    if (await this.#backfill(row, e.vectors, ids.length)) {
      row = await this.data.getIndex(index.name);
      if (!row || !fits(e, row)) return e.vectors;
      ids = await this.data.vectorIds(row.name);
    }
    if (await this.#reconcile(row, e, ids, opened)) await this.#saveIfFree(row.name, e);
    e.revision = row.revision;
    return e.vectors;
  }

  /** The saved graph if there is a usable one, else an empty one; unchecked (revision -1). */
  async #open(index: DataIndexRow): Promise<Entry> {
    const dir = this.host.dirOf(index.name);
    let vectors: VectorIndex | undefined;
    if (existsSync(path.join(dir, HEADER))) {
      vectors = await VectorIndex.openAsync(dir).catch((err: unknown) => {
        console.warn(`data index "${index.name}": the saved vector file is unusable, building it from the store (${(err as Error).message})`);
        return undefined;
      });
      if (vectors && vectors.dims !== index.dims) vectors = undefined;
    }
    const e: Entry = { vectors: vectors ?? VectorIndex.create(dir, index.dims), revision: -1, createdAt: index.createdAt, embeddingModel: index.embeddingModel, savedAt: Date.now() };
    this.#entries.set(index.name, e);
    return e;
  }

  /**
   * Makes the graph hold exactly the store's vectors (`ids`). A graph just opened from a file that is
   * mostly stale (the index was re-indexed while this instance was away) is started afresh: one of
   * mostly deleted slots is bigger and slower. Returns whether anything changed.
   */
  async #reconcile(row: DataIndexRow, e: Entry, ids: number[], opened: boolean): Promise<boolean> {
    const inStore = new Set(ids);
    let extra = e.vectors.ids().filter((id) => !inStore.has(id));
    if (opened && extra.length > e.vectors.count / 2) {
      e.vectors = VectorIndex.create(this.host.dirOf(row.name), row.dims);
      extra = [];
    }
    await e.vectors.removeGradually(extra);
    if (e.vectors.count === 0) {
      // Everything is missing: read the index in pages of ids rather than listing them.
      let added = 0;
      for (let after = 0, page: ChunkVector[]; (page = await this.data.vectorPage(row.name, after, PAGE)).length; after = page[page.length - 1].id) {
        added += await addUsable(e.vectors, page);
      }
      return extra.length + added > 0;
    }
    const missing = ids.filter((id) => !e.vectors.has(id));
    for (let i = 0; i < missing.length; i += PAGE) await addUsable(e.vectors, await this.data.chunkVectors(row.name, missing.slice(i, i + PAGE)));
    return extra.length + missing.length > 0;
  }

  /**
   * Gives chunks stored without a vector one, if there are any and this instance may write the index
   * (another writer does it otherwise). Returns whether it stored any.
   */
  async #backfill(row: DataIndexRow, cached: VectorIndex, withVector: number): Promise<boolean> {
    if ((await this.data.stats(row.name)).chunks <= withVector) return false;
    const release = this.host.writing(row.name) ? () => {} : await this.host.tryLock(row.name);
    if (!release) return false;
    let stored = 0;
    let embedded = 0;
    try {
      for (let after = 0, page; (page = await this.data.unembeddedChunks(row.name, after, PAGE)).length; after = page[page.length - 1].id) {
        const items = await this.#vectorsOf(row, cached, page);
        embedded += items.embedded;
        stored += items.vectors.length;
        await this.data.setVectors(row.name, items.vectors);
      }
    } finally {
      release();
    }
    if (stored) console.log(`data index "${row.name}": stored the vectors of ${stored} chunk(s) that had none (${embedded} embedded, the rest from the vector file or identical text)`);
    return stored > 0;
  }

  /** Vectors for chunks that have none: from the old vector file, from a chunk of the same text, or embedded. */
  async #vectorsOf(row: DataIndexRow, cached: VectorIndex, chunks: { id: number; hash: string; text: string }[]) {
    const vectors: { id: number; vector: number[] | Float32Array }[] = [];
    const todo: typeof chunks = [];
    for (const c of chunks) {
      const v = cached.vector(c.id);
      if (v) vectors.push({ id: c.id, vector: v });
      else todo.push(c);
    }
    if (!todo.length) return { vectors, embedded: 0 };
    const same = await this.data.chunkIdsByHash(row.name, [...new Set(todo.map((c) => c.hash))]);
    const hashOf = new Map([...same].map(([hash, id]) => [id, hash]));
    const known = new Map<string, number[]>();
    for (const r of await this.data.chunkVectors(row.name, [...same.values()])) known.set(hashOf.get(r.id)!, Array.from(r.vector));
    const fresh = await embedUnique(await this.host.embedder(row.embeddingModel), todo, known);
    for (const c of todo) vectors.push({ id: c.id, vector: known.get(c.hash) ?? fresh.get(c.hash)! });
    return { vectors, embedded: fresh.size };
  }

  /**
   * Saves the graph file unless another process of this data folder writes the index (it saves its
   * own). A writer in this process saves it itself, at its own pace.
   */
  async #saveIfFree(name: string, e: Entry): Promise<void> {
    if (this.host.writing(name)) return;
    const got = tryLock(this.host.dirOf(name));
    if (!('release' in got)) return;
    try {
      await e.vectors.saveAsync();
      e.savedAt = Date.now();
    } catch (err) {
      console.error(`could not save the vector file of data index "${name}":`, (err as Error).message);
    } finally {
      got.release();
    }
  }
}

/**
 * Adds stored vectors, leaving out any that do not fit the graph (the store checks them as they are
 * written; this guards the graph against a row damaged since). Returns how many it added.
 */
async function addUsable(vectors: VectorIndex, rows: ChunkVector[]): Promise<number> {
  const usable = rows.filter((r) => r.vector.length === vectors.dims && r.vector.every(Number.isFinite));
  if (usable.length < rows.length) console.error(`skipped ${rows.length - usable.length} damaged vector(s) read from the store (chunk ${rows.find((r) => !usable.includes(r))!.id})`);
  await vectors.addGradually(usable);
  return usable.length;
}
