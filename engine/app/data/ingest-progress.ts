/**
 * What an ingestion job reports while it runs: files, chunks, bytes, percent, rate and ETA, as one
 * JSON shape for the API, the SSE events the editor follows and the CLI's progress bar.
 */
import { EventEmitter } from 'node:events';
import type { DataJobFileRow, DataJobRow } from '../../store/data-types.ts';

export interface FileOutcome {
  name: string;
  status: DataJobFileRow['status'];
  chunks: number | null;
  error: { code: string; message: string } | null;
}

export interface JobView {
  id: string;
  index: string;
  kind: DataJobRow['kind'];
  status: DataJobRow['status'];
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  files: { total: number; done: number; failed: number };
  chunks: number;
  bytes: { total: number; done: number };
  percent: number;
  /** Over the running time of this process's work on the job. */
  rate: { chunks_per_s: number; mb_per_min: number } | null;
  eta_s: number | null;
  current: string | null;
  results: FileOutcome[];
}

export type JobEvent =
  | { event: 'progress'; data: JobView }
  | { event: 'file'; data: FileOutcome }
  | { event: 'waiting'; data: { reason: string } }
  | { event: 'done'; data: JobView };

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function outcomeOf(f: DataJobFileRow): FileOutcome {
  return { name: f.name, status: f.status, chunks: f.chunks, error: f.errorCode ? { code: f.errorCode, message: f.errorMessage ?? '' } : null };
}

/** Live state of one job: counters kept in memory, the rows stay the record. */
export class JobProgress extends EventEmitter {
  /** Bytes of files being read (several at once), counted as their chunks are embedded. */
  readonly #partial = new Map<number, number>();
  #current: string | null = null;
  #startedAt = 0;
  #bytesAtStart = 0;
  #chunksAtStart = 0;

  constructor(
    public job: DataJobRow,
    readonly files: DataJobFileRow[],
  ) {
    super();
    this.setMaxListeners(0);
  }

  get chunks(): number {
    return this.files.reduce((n, f) => n + (f.chunks ?? 0), 0);
  }

  get bytesDone(): number {
    return this.files.reduce((n, f) => n + (f.status === 'pending' ? 0 : f.bytes), 0);
  }

  started(job: DataJobRow): void {
    this.job = job;
    this.#startedAt = Date.now();
    this.#bytesAtStart = this.bytesDone;
    this.#chunksAtStart = this.chunks;
    this.emit('event', { event: 'progress', data: this.view() } satisfies JobEvent);
  }

  waiting(reason: string): void {
    this.emit('event', { event: 'waiting', data: { reason } } satisfies JobEvent);
  }

  reading(name: string): void {
    this.#current = name;
  }

  /** Part of a file is done (its chunks embedded so far out of all). */
  partly(file: DataJobFileRow, done: number, of: number): void {
    this.#partial.set(file.seq, of ? Math.floor((file.bytes * done) / of) : 0);
    this.emit('event', { event: 'progress', data: this.view() } satisfies JobEvent);
  }

  fileDone(file: DataJobFileRow): void {
    this.#partial.delete(file.seq);
    this.#current = null;
    this.emit('event', { event: 'file', data: outcomeOf(file) } satisfies JobEvent);
    this.emit('event', { event: 'progress', data: this.view() } satisfies JobEvent);
  }

  finished(job: DataJobRow): void {
    this.job = job;
    this.#current = null;
    this.#partial.clear();
    this.emit('event', { event: 'done', data: this.view() } satisfies JobEvent);
  }

  view(): JobView {
    const total = this.files.reduce((n, f) => n + f.bytes, 0);
    let partial = 0;
    for (const bytes of this.#partial.values()) partial += bytes;
    const done = this.bytesDone + partial;
    const finished = this.files.filter((f) => f.status !== 'pending');
    const seconds = this.#startedAt ? (Date.now() - this.#startedAt) / 1000 : 0;
    const bytesNow = done - this.#bytesAtStart;
    const live = this.job.status === 'running' && seconds > 0;
    const bytesPerS = live ? bytesNow / seconds : 0;
    return {
      id: this.job.id,
      index: this.job.index,
      kind: this.job.kind,
      status: this.job.status,
      error: this.job.error,
      created_at: iso(this.job.createdAt)!,
      started_at: iso(this.job.startedAt),
      finished_at: iso(this.job.finishedAt),
      files: { total: this.files.length, done: finished.length, failed: finished.filter((f) => f.status === 'failed').length },
      chunks: this.chunks,
      bytes: { total, done },
      percent: total ? Math.min(100, Math.round((1000 * done) / total) / 10) : this.job.status === 'succeeded' ? 100 : 0,
      rate: live ? { chunks_per_s: round((this.chunks - this.#chunksAtStart) / seconds), mb_per_min: round((bytesPerS * 60) / 1e6) } : null,
      eta_s: live && bytesPerS > 0 ? Math.round((total - done) / bytesPerS) : null,
      current: this.#current,
      results: finished.map(outcomeOf),
    };
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
