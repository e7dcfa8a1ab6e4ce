/**
 * One data index's vectors: an HNSW graph (hnswlib-node, cosine space) in a directory, plus a small
 * JSON header that says what the binary is. Ids are chunk row ids; the caller keeps the text.
 *
 * On disk: `<dir>/index.json` (the header) names `<dir>/vectors.<generation>.hnsw`. save() writes a new
 * generation's binary, then replaces the header by rename: the header rename is the commit point, so a
 * crash at any moment leaves either the old or the new index, never half of one. The header carries
 * the binary's size and sha256, and open() checks them before hnswlib reads a byte: hnswlib trusts the
 * sizes inside its file, and a damaged file can make it allocate garbage or crash the process.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { PRIVATE_DIR, PRIVATE_FILE } from '../store/file-modes.ts';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { WeirError } from '../errors.ts';
import { HEADER, type Header, readHeader, sha256File, sha256FileAsync, VECTOR_INDEX_FORMAT } from './vector-file.ts';

export { VECTOR_INDEX_FORMAT } from './vector-file.ts';
export { bruteForceSearch, reciprocalRankFusion } from './vector-ranking.ts';

// hnswlib-node is CommonJS: under ESM only its default export exists.
const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** hnswlib-node converts labels with Uint32Value: anything outside silently wraps, so we refuse it. */
const MAX_ID = 0xffff_ffff;

/**
 * Defaults: M=16, efConstruction=100, search breadth ef = max(k, 128). Measured (one-off run, see
 * bench/lib/vectors.ts) on 24 000 use-lite embeddings of real English paragraphs, 200 held-out
 * queries, 2 vCPU EPYC; recall@10 against exact search / queries a second on one core:
 *   efConstruction 100: ef=32 0.939 / ~3 500, ef=64 0.973 / ~2 600, ef=128 0.990 / ~1 600
 *   efConstruction 200: ef=32 0.946 / ~3 200, ef=64 0.976 / ~1 800, ef=128 0.991 / ~1 400
 * so efConstruction 200 bought < 0.01 recall for 1.8x the build time (11.5 s vs 20.5 s). ef stays
 * 128: 5 000 uniform random 64-d vectors (the worst case: every point almost equally far) need it,
 * recall@10 0.92 at ef=64, 0.96 at 96, 0.98 at 128, and the HNSW search is < 1 ms of a query whose
 * embedding takes tens. At 100 000 (bench/data.ts, efConstruction 100): vectors calibrated to be as
 * hard as real use-lite ones reach 0.95 at ef=40 (~1 800-2 000/s) and 0.994 at ef=128 (~780/s);
 * uniform random 512-d vectors only 0.53 at ef=1024 (~120/s): no real embedding set is that shapeless.
 */
export const DEFAULT_EF = 128;

export interface VectorIndexOptions {
  /** Graph degree; hnswlib default. Memory per vector ≈ dims*4 + M*8 bytes. */
  M?: number;
  /** Build-time breadth; higher = better graph, slower add. */
  efConstruction?: number;
  /** Initial capacity; doubles as needed. */
  capacity?: number;
  /** Search breadth used when search() is not given one. */
  ef?: number;
}

export interface VectorItem {
  id: number;
  vector: Float32Array | number[];
}

export interface ScoredId {
  id: number;
  score: number;
}

export class VectorIndex {
  private readonly live = new Set<number>();
  private readonly deleted = new Set<number>();
  /** Changes and saves in the order they were asked for (see saveAsync). */
  #queue: Promise<void> = Promise.resolve();
  /** Saves asked for and not done: add() and remove() refuse meanwhile. */
  #saves = 0;

  private constructor(
    readonly dir: string,
    readonly dims: number,
    private readonly hnsw: Hnsw,
    private readonly params: { M: number; efConstruction: number; ef: number },
    private generation: number,
  ) {}

  /** A new, empty index in `dir` (created if missing). Nothing is written until save(). */
  static create(dir: string, dims: number, opts: VectorIndexOptions = {}): VectorIndex {
    if (!Number.isInteger(dims) || dims < 1) throw new WeirError('invalid_dimensions', `vector dimensions must be a positive integer, got ${dims}`);
    const M = opts.M ?? 16, efConstruction = opts.efConstruction ?? 100, ef = opts.ef ?? DEFAULT_EF;
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    const hnsw = new HierarchicalNSW('cosine', dims);
    // randomSeed fixed so a rebuild from the same rows gives the same graph; no slot reuse (see remove).
    hnsw.initIndex(Math.max(1, opts.capacity ?? 1024), M, efConstruction, 100, false);
    return new VectorIndex(dir, dims, hnsw, { M, efConstruction, ef }, 0);
  }

  /** Opens what save() wrote. Anything missing, unreadable or inconsistent is 'index_corrupt'. */
  static open(dir: string): VectorIndex {
    const { h, file, corrupt } = VectorIndex.#located(dir);
    if (sha256File(file) !== h.sha256) throw corrupt('checksum mismatch');
    const hnsw = new HierarchicalNSW('cosine', h.dims);
    try {
      hnsw.readIndexSync(file, false);
    } catch (err) {
      throw corrupt(err instanceof Error ? err.message : String(err), err);
    }
    return VectorIndex.#opened(dir, h, hnsw, corrupt);
  }

  /**
   * open() without holding the event loop: the checksum streams and hnswlib reads on libuv's thread
   * pool. Measured here: open() of 50 000 512-d vectors held the loop ~170 ms (100 000: ~0.35 s),
   * and a server reading an index another process writes opens it again after each of its saves.
   */
  static async openAsync(dir: string): Promise<VectorIndex> {
    const { h, file, corrupt } = VectorIndex.#located(dir);
    if ((await sha256FileAsync(file).catch((err: unknown) => Promise.reject(corrupt('the file is unreadable', err)))) !== h.sha256) throw corrupt('checksum mismatch');
    const hnsw = new HierarchicalNSW('cosine', h.dims);
    try {
      await hnsw.readIndex(file, false);
    } catch (err) {
      throw corrupt(err instanceof Error ? err.message : String(err), err);
    }
    return VectorIndex.#opened(dir, h, hnsw, corrupt);
  }

  /** Removes what save() wrote in `dir` (every generation, and temporary files a crash left); the rest of `dir` stays. */
  static removeFiles(dir: string): void {
    rmSync(path.join(dir, HEADER), { force: true });
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // no directory, nothing to remove
    }
    for (const name of names) if (/^vectors\.\d+\.hnsw(\.tmp-\d+)?$/.test(name) || name.startsWith(`${HEADER}.tmp-`)) rmSync(path.join(dir, name), { force: true });
  }

  /** The header and its binary, checked for presence and size before a byte of it is trusted. */
  static #located(dir: string) {
    const h = readHeader(path.join(dir, HEADER));
    const file = path.join(dir, h.file);
    const corrupt = (why: string, cause?: unknown) =>
      new WeirError('index_corrupt', `vector index ${file} is corrupt: ${why}`, { status: 500, cause });
    let size: number;
    try {
      size = statSync(file).size;
    } catch (err) {
      throw corrupt('the file is missing or unreadable', err);
    }
    if (size !== h.bytes) throw corrupt(`expected ${h.bytes} bytes, found ${size}`);
    return { h, file, corrupt };
  }

  static #opened(dir: string, h: Header, hnsw: Hnsw, corrupt: (why: string) => WeirError): VectorIndex {
    const index = new VectorIndex(dir, h.dims, hnsw, { M: h.M, efConstruction: h.efConstruction, ef: h.ef }, h.generation);
    for (const id of h.deleted) index.deleted.add(id);
    for (const id of hnsw.getIdsList()) if (!index.deleted.has(id)) index.live.add(id);
    if (index.live.size !== h.count) throw corrupt(`header says ${h.count} vectors, binary has ${index.live.size}`);
    return index;
  }

  /** The binary of the last saved generation. */
  get file(): string {
    return path.join(this.dir, `vectors.${this.generation}.hnsw`);
  }

  /** Live vectors (removed ones not counted). */
  get count(): number {
    return this.live.size;
  }

  has(id: number): boolean {
    return this.live.has(id);
  }

  /** Ids of the live vectors. */
  ids(): number[] {
    return [...this.live];
  }

  /** A live vector as stored (cosine space keeps it normalized), or undefined. */
  vector(id: number): number[] | undefined {
    return this.live.has(id) ? this.hnsw.getPoint(id) : undefined;
  }

  /** Adds or replaces vectors. The whole batch is checked before anything changes. */
  add(items: VectorItem[]): void {
    this.#idle();
    this.#check(items);
    this.#insert(items);
  }

  /**
   * add(), with a turn of the event loop every `slice` vectors. hnswlib inserts synchronously, at
   * ~0.5 ms (use-lite embeddings) to ~2 ms (uniform random, the worst case) per 512-d vector with
   * efConstruction 100 on this machine, so adding one large file's 1 000 chunks in one go would hold
   * every other request for 0.5–2 s. Building elsewhere (a worker writing a generation file the main
   * thread then opens) would cost a full read of the index per file; slices cost nothing extra.
   */
  addGradually(items: VectorItem[], slice = 16): Promise<void> {
    this.#check(items);
    return this.#exclusive(async () => {
      for (let i = 0; i < items.length; i += slice) {
        if (i) await new Promise((r) => setImmediate(r));
        this.#insert(items.slice(i, i + slice));
      }
    });
  }

  #check(items: VectorItem[]): void {
    for (const { id, vector } of items) {
      checkId(id);
      this.checkVector(vector);
    }
  }

  /** Inserts checked items, making room for new ids first. */
  #insert(items: VectorItem[]): void {
    let fresh = 0;
    const seen = new Set<number>();
    for (const { id } of items) {
      // An id already in the graph (live or deleted) keeps its slot; only new ids need room.
      if (!this.live.has(id) && !this.deleted.has(id) && !seen.has(id)) fresh++;
      seen.add(id);
    }
    const needed = this.hnsw.getCurrentCount() + fresh;
    let max = this.hnsw.getMaxElements();
    if (needed > max) {
      while (max < needed) max *= 2;
      this.hnsw.resizeIndex(max);
    }
    for (const { id, vector } of items) {
      // hnswlib updates an existing label in place and un-deletes it if it was removed.
      this.hnsw.addPoint(Array.isArray(vector) ? vector : Array.from(vector), id, false);
      this.live.add(id);
      this.deleted.delete(id);
    }
  }

  /**
   * Hides ids from search; unknown or already removed ids are ignored. Slots are not reused (hnswlib's
   * replace-deleted mode cannot also update by label), so a heavily churned index should be rebuilt.
   */
  remove(ids: number[]): void {
    this.#idle();
    this.#delete(ids);
  }

  /** remove(), after any save in progress (marking a vector deleted is cheap: no slices needed). */
  removeGradually(ids: number[]): Promise<void> {
    return this.#exclusive(async () => this.#delete(ids));
  }

  #delete(ids: number[]): void {
    for (const id of ids) {
      if (!this.live.has(id)) continue;
      this.hnsw.markDelete(id);
      this.live.delete(id);
      this.deleted.add(id);
    }
  }

  /** The k nearest by cosine similarity (1 - cosine distance), best first. */
  search(vector: Float32Array | number[], k: number, opts: { filter?: (id: number) => boolean; ef?: number } = {}): ScoredId[] {
    this.checkVector(vector);
    if (!Number.isInteger(k) || k < 0) throw new WeirError('invalid_k', `k must be a non-negative integer, got ${k}`);
    if (k === 0 || this.live.size === 0) return [];
    // hnswlib rejects k above its capacity; deleted slots still count there, so cap at the slot count.
    const kk = Math.min(k, this.hnsw.getCurrentCount());
    this.hnsw.setEf(Math.max(kk, opts.ef ?? this.params.ef));
    const q = Array.isArray(vector) ? vector : Array.from(vector);
    const r = opts.filter ? this.hnsw.searchKnn(q, kk, opts.filter) : this.hnsw.searchKnn(q, kk);
    const out = r.neighbors.map((id, i) => ({ id, score: 1 - r.distances[i] }));
    return out.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
  }

  /** Writes a new generation, commits it by renaming the header, then drops the old binary. */
  save(): void {
    this.#idle();
    const next = this.#next();
    this.hnsw.writeIndexSync(next.tmp);
    chmodSync(next.tmp, PRIVATE_FILE);
    renameSync(next.tmp, next.file);
    this.#commit(next, sha256File(next.file));
  }

  /**
   * save() without holding the event loop: hnswlib writes on libuv's thread pool and the checksum
   * streams (save() of 50 000 512-d vectors held the loop ~325 ms). The graph must not change while
   * it is written, so addGradually and removeGradually wait for it, and add and remove refuse.
   * Searches go on.
   */
  saveAsync(): Promise<void> {
    this.#saves++;
    return this.#exclusive(async () => {
      const next = this.#next();
      await this.hnsw.writeIndex(next.tmp);
      // hnswlib creates the file with the umask's mode; the vectors are the documents' content.
      chmodSync(next.tmp, PRIVATE_FILE);
      renameSync(next.tmp, next.file);
      this.#commit(next, await sha256FileAsync(next.file));
    }).finally(() => this.#saves--);
  }

  #next() {
    const generation = this.generation + 1;
    const name = `vectors.${generation}.hnsw`;
    const file = path.join(this.dir, name);
    return { generation, name, file, tmp: `${file}.tmp-${process.pid}` };
  }

  /** Replaces the header (the commit point), then drops the previous generation's binary. */
  #commit(next: { generation: number; name: string; file: string }, sha256: string): void {
    const header: Header = {
      format: VECTOR_INDEX_FORMAT, space: 'cosine', dims: this.dims, count: this.live.size,
      M: this.params.M, efConstruction: this.params.efConstruction, ef: this.params.ef,
      generation: next.generation, file: next.name, bytes: statSync(next.file).size, sha256, deleted: [...this.deleted],
    };
    const headerPath = path.join(this.dir, HEADER);
    const tmpHeader = `${headerPath}.tmp-${process.pid}`;
    writeFileSync(tmpHeader, JSON.stringify(header), { mode: PRIVATE_FILE });
    renameSync(tmpHeader, headerPath);
    const old = path.join(this.dir, `vectors.${this.generation}.hnsw`);
    if (this.generation > 0 && existsSync(old)) unlinkSync(old);
    this.generation = next.generation;
  }

  /** Runs `fn` after every change or save queued before it. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  #idle(): void {
    if (this.#saves) throw new WeirError('index_busy', `vector index ${this.dir} is being saved; wait for it (addGradually, removeGradually)`, { status: 409 });
  }

  private checkVector(vector: Float32Array | number[]): void {
    if (vector.length !== this.dims)
      throw new WeirError('dimension_mismatch', `vector has ${vector.length} dimensions, the index has ${this.dims}`, { status: 400 });
    for (let i = 0; i < vector.length; i++)
      if (!Number.isFinite(vector[i])) throw new WeirError('invalid_vector', `vector value at ${i} is not a finite number`);
  }
}

function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new WeirError('invalid_id', `vector id must be an integer from 0 to ${MAX_ID}, got ${id}`);
}
