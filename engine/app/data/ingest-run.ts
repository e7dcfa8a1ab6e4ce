/**
 * One ingestion job's run, start to end: wait for the index's write lock, apply a re-index's
 * settings, then read files ahead and commit them in order. ingest-jobs.ts decides when a job runs
 * and tells it (through JobStops) when it must stop.
 *
 * Within a job, a few files are read at once (loaded, chunked and embedded in the compute pool, see
 * ingest-file.ts) and committed one at a time in order: one file at a time left every thread but
 * one idle (ingestion ran at the speed of one core: ~10 chunks/s of 256 tokens with USE lite).
 */
import { WeirError } from '../../errors.ts';
import { computePool } from '../../sandbox/compute/shared-pool.ts';
import type { KeptFiles } from '../../data/staged-files.ts';
import type { VectorIndex } from '../../data/vector-index.ts';
import type { LoadedModel } from '../../models/types.ts';
import type { DataIndexRow, DataJobRow } from '../../store/data-types.ts';
import type { Store } from '../../store/types.ts';
import { FileReader, type FileOutcome, type ReadFile } from './ingest-file.ts';
import type { JobProgress } from './ingest-progress.ts';

/**
 * The vector cache's file is saved at least this often during a long job (other instances see each
 * document as it is committed; the file only spares a restart re-reading what changed since).
 */
const SAVE_EVERY_MS = 30_000;
const LOCK_RETRY_MS = 500;
/**
 * Files read ahead of the one being committed: one more than the pool's threads keeps each thread
 * busy while a file is loaded or committed; the byte cap keeps big files from piling up in memory.
 */
const READ_AHEAD_BYTES = 64 * 1024 * 1024;

/** What jobs need of the data indexes (DataIndexes gives it; declared here so jobs do not import it). */
export interface IndexAccess {
  readonly store: Store;
  get(name: string): Promise<DataIndexRow>;
  settings(embeddingModel: string, chunkTokens: number, overlapTokens: number): Promise<Pick<DataIndexRow, 'embeddingModel' | 'dims' | 'chunkTokens' | 'overlapTokens'>>;
  files(name: string): KeptFiles;
  lock(name: string): Promise<() => void>;
  embedder(model: string): Promise<LoadedModel>;
  vectors(index: DataIndexRow): Promise<VectorIndex>;
  saveVectors(name: string): Promise<void>;
  forgetVectors(name: string): void;
}

/** How a running job learns it must stop (the owner of the jobs keeps that state for all of them). */
export interface JobStops {
  /** Stop at the next batch and record it `cancelled`; or stop and `leave` it unfinished for its next try; or go on. */
  reason(id: string): 'cancelled' | 'leave' | undefined;
  /** The job was seen cancelled in the store (through another instance). */
  cancelled(id: string): void;
  /** The job's signal while it reads files (a cancel or a shutdown aborts it), then undefined. */
  reading(id: string, ctl: AbortController | undefined): void;
}

class Stopped extends Error {}

/** Runs the job to its end, or until `stops` says to stop; records its outcome and reports it to `progress`. */
export async function runJob(indexes: IndexAccess, progress: JobProgress, stops: JobStops): Promise<void> {
  const store = indexes.store;
  const { id, index: name } = progress.job;
  const release = await acquire(indexes, progress, stops).catch(() => undefined);
  if (!release) {
    const row = await store.data.getJob(id);
    if (row) progress.finished(row);
    return;
  }
  let status: DataJobRow['status'] = 'succeeded';
  let error: string | null = null;
  try {
    checkStop(stops, id);
    const firstStart = progress.job.startedAt === null;
    const now = Date.now();
    await store.data.updateJob(id, { status: 'running', startedAt: progress.job.startedAt ?? now, heartbeatAt: now });
    progress.started((await store.data.getJob(id))!);
    const index = await prepareIndex(indexes, progress.job, firstStart);
    await readAndCommit(indexes, progress, index, stops);
  } catch (err) {
    if (err instanceof Stopped) status = stops.reason(id) === 'cancelled' ? 'cancelled' : 'running';
    else {
      status = 'failed';
      error = err instanceof Error ? err.message : String(err);
    }
  } finally {
    try {
      if (await store.data.getIndex(name)) {
        await indexes.saveVectors(name);
        // A shutdown leaves the job as it is: the next start resumes it.
        if (status !== 'running') await store.data.updateJob(id, { status, error, finishedAt: Date.now() });
        await indexes.files(name).prune(await store.data.referencedHashes(name));
      }
    } finally {
      release();
    }
    const row = await store.data.getJob(id);
    if (row) progress.finished(row);
  }
}

function checkStop(stops: JobStops, id: string): void {
  if (stops.reason(id)) throw new Stopped();
}

/** Waits for the index's write lock; undefined when the job was stopped, ended elsewhere or its index deleted. */
async function acquire(indexes: IndexAccess, progress: JobProgress, stops: JobStops): Promise<(() => void) | undefined> {
  const { id, index } = progress.job;
  for (let waited = false; ; waited = true) {
    const stop = stops.reason(id);
    if (stop === 'leave') return undefined;
    const row = await indexes.store.data.getJob(id);
    if (!row || (row.status !== 'queued' && row.status !== 'running')) return undefined;
    // Cancelled: no lock needed to record that.
    if (stop === 'cancelled') return () => {};
    try {
      return await indexes.lock(index);
    } catch (err) {
      if (!(err instanceof WeirError) || err.code !== 'index_busy') throw err;
      if (!waited) progress.waiting(err.message);
      await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
    }
  }
}

/** A re-index job applies its settings when it first starts (and not again when resumed). */
async function prepareIndex(indexes: IndexAccess, job: DataJobRow, firstStart: boolean): Promise<DataIndexRow> {
  const index = await indexes.get(job.index);
  const s = job.options.reindex;
  if (job.kind === 'reindex' && s) {
    const same = index.embeddingModel === s.embeddingModel && index.dims === s.dims && index.chunkTokens === s.chunkTokens && index.overlapTokens === s.overlapTokens;
    if (!same || firstStart) {
      await indexes.store.data.resetIndex(index.name, s);
      indexes.forgetVectors(index.name);
    }
    return indexes.get(job.index);
  }
  return index;
}

/** Reads files ahead, commits them in order; returns when all are done, throws Stopped on a stop. */
async function readAndCommit(indexes: IndexAccess, progress: JobProgress, index: DataIndexRow, stops: JobStops): Promise<void> {
  const store = indexes.store;
  const { id, index: name } = progress.job;
  const ctl = new AbortController();
  stops.reading(id, ctl);
  const reader = new FileReader({
    store,
    files: indexes.files(name),
    index,
    model: await indexes.embedder(index.embeddingModel),
    vectors: await indexes.vectors(index),
    job: progress.job,
    progress,
    signal: ctl.signal,
  });
  const todo = progress.files.filter((f) => f.status === 'pending');
  const reads: Promise<ReadFile>[] = [];
  const ahead = computePool().threads + 1;
  let bytesAhead = 0;
  const readAhead = (head: number) => {
    for (let n = reads.length; n < todo.length && (n === head || (n - head < ahead && bytesAhead + todo[n].bytes <= READ_AHEAD_BYTES)); n++) {
      bytesAhead += todo[n].bytes;
      reads.push(reader.read(todo[n]));
      reads[n].catch(() => {}); // observed when its turn comes, or dropped on a stop
    }
  };
  let savedAt = Date.now();
  try {
    for (const [i, file] of todo.entries()) {
      checkStop(stops, id);
      readAhead(i);
      progress.reading(file.name);
      const outcome = await reads[i].then((read) => reader.commit(file, read)).catch((err: unknown): FileOutcome => {
        checkStop(stops, id); // a stop fails the files in flight: they stay pending
        const e = err instanceof WeirError ? err : new WeirError('ingest_failed', err instanceof Error ? err.message : String(err));
        return { status: 'failed', chunks: null, errorCode: e.code, errorMessage: e.message };
      });
      bytesAhead -= file.bytes;
      await store.data.finishJobFile(id, file.seq, outcome);
      Object.assign(file, outcome);
      await store.data.updateJob(id, { heartbeatAt: Date.now() });
      progress.fileDone(file);
      // Cancelled through another instance: it could only mark the job in the store.
      if ((await store.data.getJob(id))?.status === 'cancelled') {
        stops.cancelled(id);
        ctl.abort(new WeirError('cancelled', 'the job was cancelled', { status: 499 }));
      }
      if (Date.now() - savedAt > SAVE_EVERY_MS) {
        await indexes.saveVectors(name);
        savedAt = Date.now();
      }
    }
  } finally {
    // Nothing of this job may run on after it ends (its index may be deleted next).
    ctl.abort(new WeirError('cancelled', 'the job ended', { status: 499 }));
    stops.reading(id, undefined);
    await Promise.allSettled(reads);
  }
}
