/**
 * One file of an ingestion job, in two steps. `read` loads, chunks and embeds it; several files are
 * read at once, so the compute pool's threads all have work (loading and chunking run in a thread,
 * embedding batches on every thread). `commit` writes it: the document with its chunks and their
 * vectors in one transaction, then the vectors into this instance's cache. Files are committed one
 * at a time in job order, on the main thread, which is what keeps a crash resumable (at most the
 * file being committed is done but not marked) and the index at one writer.
 */
import type { Chunk } from '../../data/chunking.ts';
import { chunkDocument } from '../../data/chunking.ts';
import { embedUnique, type Pending } from '../../data/embed-batches.ts';
import type { LoadedDocument } from '../../data/loaders/types.ts';
import type { KeptFiles } from '../../data/staged-files.ts';
import type { VectorIndex } from '../../data/vector-index.ts';
import type { LoadedModel } from '../../models/types.ts';
import { unreadable } from '../../data/loaders/common.ts';
import { PDF_TIMEOUT_MS } from '../../data/loaders/pdf.ts';
import { compute } from '../../sandbox/compute/shared-pool.ts';
import { workerTokenizerOf } from '../../sandbox/compute/tasks.ts';
import type { DataIndexRow, DataJobFileRow, DataJobRow } from '../../store/data-types.ts';
import type { Store } from '../../store/types.ts';
import type { JobProgress } from './ingest-progress.ts';

export type FileOutcome = Pick<DataJobFileRow, 'status' | 'chunks' | 'errorCode' | 'errorMessage'>;

export type ReadFile =
  | { status: 'unchanged'; chunks: number }
  | { status: 'read'; doc: Pick<LoadedDocument, 'title' | 'format'>; chunks: Chunk[]; vectors: Map<string, number[]>; replaces: boolean };

/**
 * A loader that has not answered in this long is taken to be stuck (pdf.js can spin on hostile
 * files) and its thread is ended. The PDF loader gives up by itself at PDF_TIMEOUT_MS; this is the
 * backstop for anything that never yields.
 */
export const LOAD_DEADLINE_MS = PDF_TIMEOUT_MS + 15_000;

export class FileReader {
  /** Vectors being computed for files in flight: identical chunks in two of them are embedded once. */
  readonly #pending: Pending = new Map();

  constructor(
    private readonly c: {
      store: Store;
      files: KeptFiles;
      index: DataIndexRow;
      model: LoadedModel;
      vectors: VectorIndex;
      job: DataJobRow;
      progress: JobProgress;
      signal: AbortSignal;
    },
  ) {}

  async read(file: DataJobFileRow): Promise<ReadFile> {
    const { store, index, job, model, signal } = this.c;
    const existing = await store.data.getDocument(index.name, file.name);
    if (job.kind === 'add' && existing?.hash === file.hash && existing.chunks > 0) return { status: 'unchanged', chunks: existing.chunks };
    const { doc, chunks } = await this.#load(file);
    // Content already in the index (another document, or this one before a change) is not
    // embedded again: its vector is in the store. Neither is content another file in flight is embedding.
    const known = new Map<string, number[]>();
    const same = await store.data.chunkIdsByHash(index.name, [...new Set(chunks.map((c) => c.hash))]);
    const hashOf = new Map([...same].map(([hash, id]) => [id, hash]));
    for (const r of await store.data.chunkVectors(index.name, [...same.values()])) known.set(hashOf.get(r.id)!, Array.from(r.vector));
    const fresh = await embedUnique(model, chunks, known, {
      signal,
      pending: this.#pending,
      onBatch: (done, of) => this.c.progress.partly(file, done, of),
    });
    for (const [h, v] of known) fresh.set(h, v);
    return { status: 'read', doc, chunks, vectors: fresh, replaces: !!existing && job.kind === 'add' };
  }

  /** Loads and chunks in a compute thread; chunks here when the model's tokenizer lives only here. */
  async #load(file: DataJobFileRow): Promise<{ doc: Pick<LoadedDocument, 'title' | 'format'>; chunks: Chunk[] }> {
    const { index, job, model, signal } = this.c;
    const bytes = await this.c.files.read(file.hash, file.name);
    const tokenizer = workerTokenizerOf(model);
    const deadline = AbortSignal.timeout(LOAD_DEADLINE_MS);
    const out = await compute(
      {
        kind: 'document',
        name: file.name,
        bytes,
        ...(job.options.textField !== undefined ? { textField: job.options.textField } : {}),
        ...(tokenizer ? { chunking: { tokenizer, maxTokens: index.chunkTokens, overlapTokens: index.overlapTokens } } : {}),
      },
      { signal: AbortSignal.any([signal, deadline]), endThreadOnAbort: true, transferList: transferable(bytes) },
    ).catch((err: unknown) => {
      if (deadline.aborted && !signal.aborted) throw unreadable(file.name, `loading took over ${LOAD_DEADLINE_MS / 1000} s`, err);
      throw err;
    });
    if (out.chunks) return { doc: out.doc, chunks: out.chunks };
    const chunks = await chunkDocument(out.doc, { tokenize: (t) => model.tokenize(t), maxTokens: index.chunkTokens, overlapTokens: index.overlapTokens });
    return { doc: out.doc, chunks };
  }

  /** Writes a read file: its document, chunks and vectors in one transaction, then adds the vectors to the cache. */
  async commit(file: DataJobFileRow, read: ReadFile): Promise<FileOutcome> {
    try {
      if (read.status === 'unchanged') return { status: 'unchanged', chunks: read.chunks, errorCode: null, errorMessage: null };
      const { store, index, job } = this.c;
      const existing = await store.data.getDocument(index.name, file.name);
      const tags = job.kind === 'reindex' ? (existing?.tags ?? []) : (job.options.tags ?? existing?.tags ?? []);
      const { chunks, doc } = read;
      const { chunkIds, replacedChunkIds } = await store.data.putDocument(
        index.name,
        { name: file.name, format: doc.format, title: doc.title, hash: file.hash, bytes: file.bytes, tags },
        chunks.map((c) => ({
          idx: c.index, text: c.text, title: c.title, headingPath: c.headingPath, page: c.page ?? null, start: c.start, end: c.end, tokens: c.tokens, hash: c.hash, metadata: c.metadata ?? null,
          vector: read.vectors.get(c.hash)!,
        })),
      );
      // The store announced the commit; this writer brings its own cache forward.
      await this.c.vectors.removeGradually(replacedChunkIds);
      await this.c.vectors.addGradually(chunkIds.map((id, i) => ({ id, vector: read.vectors.get(chunks[i].hash)! })));
      return { status: read.replaces ? 'replaced' : 'added', chunks: chunks.length, errorCode: null, errorMessage: null };
    } finally {
      // Stored now (or failed): files read later find these in the index, not here.
      if (read.status === 'read') for (const c of read.chunks) this.#pending.delete(c.hash);
    }
  }
}

/** The buffer under `bytes`, when moving it to the worker loses nothing (it is exactly the bytes). */
function transferable(bytes: Uint8Array): ArrayBuffer[] | undefined {
  const b = bytes.buffer;
  return b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength ? [b] : undefined;
}
