/**
 * Ingestion jobs: files are staged in the index's folder and recorded with the job before anything
 * runs; each file's outcome is written as it ends. A job stopped by a crash or a shutdown is still
 * `queued`/`running` in the store and resumes at its first pending file on the next start; a file
 * cut off half way is read again and replaces its own partial state (a document is written in one
 * transaction), so nothing is duplicated.
 *
 * One job at a time per index, across processes too: a job holds the index's write lock while it
 * runs and waits (reporting `waiting`) while another process holds it. Jobs are queued (the job
 * queue) and followed here; how one job runs is ingest-run.ts. Ingestion runs as background work,
 * so questions and searches go before its batches.
 */
import { WeirError } from '../../errors.ts';
import { newRunId } from '../../run/run-id.ts';
import { inBackground } from '../../sandbox/compute/compute-pool.ts';
import type { DataJobOptions, DataJobRow } from '../../store/data-types.ts';
import { runJob, type IndexAccess, type JobStops } from './ingest-run.ts';
import { checkNames, checkOptions, documentName, MAX_FILES_PER_JOB } from './ingest-input.ts';
import { JobProgress, type JobEvent, type JobView } from './ingest-progress.ts';
import type { GivenUp, JobContext, QueueSpec, WorkQueue } from '../../queue/types.ts';
import { StoreQueue } from '../../queue/store-queue.ts';

export { documentName, MAX_FILES_PER_JOB } from './ingest-input.ts';

/** How often a waiter reads the state of a job no worker of this process runs. */
const WAIT_POLL_MS = 100;
/** How often a job watched from an instance that does not run it is read from the store. */
const WATCH_POLL_MS = 500;
export interface IncomingFile {
  name: string;
  bytes: Uint8Array;
}

export interface ReindexSettings {
  embeddingModel: string;
  chunkTokens?: number;
  overlapTokens?: number;
}

/** Longest one ingestion job may run (a big folder on a slow embedder takes hours). */
const INGEST_TIMEOUT_MS = 24 * 3600_000;

/**
 * Ingestion jobs on the job queue. A try cut short (its instance died, or a shutdown handed it
 * back) resumes at the job's first pending file, so trying again is cheap and safe: three tries.
 */
export const INGEST_QUEUE: QueueSpec = { name: 'ingest', maxAttempts: 3, timeoutMs: INGEST_TIMEOUT_MS };
const queueId = (jobId: string) => `ingest-${jobId}`;
const OWN_WORKERS = 2;

export class IngestJobs {
  /** Jobs queued or running in this process. */
  readonly #live = new Map<string, JobProgress>();
  readonly #runs = new Map<string, Promise<void>>();
  /** Per index: the tail of its job chain. */
  readonly #tails = new Map<string, Promise<void>>();
  readonly #cancelled = new Set<string>();
  /** Jobs the queue stopped here (shutdown, lost lease, timeout): left unfinished for their next try. */
  readonly #handedBack = new Set<string>();
  /** Running jobs' signals: a cancel or a shutdown drops their queued work at once. */
  readonly #aborts = new Map<string, AbortController>();
  #stopping = false;
  /** What a running job asks to know whether to stop. */
  readonly #stops: JobStops = {
    reason: (id) => (this.#cancelled.has(id) ? 'cancelled' : this.#stopping || this.#handedBack.has(id) ? 'leave' : undefined),
    cancelled: (id) => void this.#cancelled.add(id),
    reading: (id, ctl) => void (ctl ? this.#aborts.set(id, ctl) : this.#aborts.delete(id)),
  };

  readonly #ownQueue: WorkQueue | undefined;
  private readonly queue: WorkQueue;

  /** Without a queue, a queue in the store that these jobs work themselves (tests, benches). */
  constructor(
    private readonly indexes: IndexAccess,
    queue?: WorkQueue,
  ) {
    this.queue = queue ?? (this.#ownQueue = new StoreQueue(indexes.store));
    if (this.#ownQueue) this.work(OWN_WORKERS).catch((err: unknown) => console.error('could not take ingestion jobs:', (err as Error).message));
  }

  /** This process's workers take ingestion jobs, `concurrency` at once. */
  work(concurrency: number): Promise<void> {
    return this.queue.work(INGEST_QUEUE, (job) => this.handle(job), { concurrency, onGiveUp: (g) => this.giveUp(g) });
  }

  get #store() {
    return this.indexes.store;
  }

  /** Stages the files and records a job; it runs in the background. */
  async enqueue(index: string, files: IncomingFile[], options: DataJobOptions = {}): Promise<JobView> {
    await this.indexes.get(index);
    if (files.length > MAX_FILES_PER_JOB) throw new WeirError('too_many_files', `at most ${MAX_FILES_PER_JOB} files per job, got ${files.length}`, { status: 413, path: ['files'] });
    const named = files.map((f, i) => ({ name: documentName(f.name, ['files', i]), bytes: f.bytes }));
    checkNames(named);
    checkOptions(options);
    const staged = this.indexes.files(index);
    const kept = [];
    for (const f of named) kept.push({ name: f.name, hash: await staged.put(f.bytes), bytes: f.bytes.byteLength });
    return this.enqueueStaged(index, kept, options);
  }

  /**
   * Records a job over files already staged with `indexes.files(index).put()` (the CLI stages a
   * folder one file at a time, so its memory does not grow with the folder).
   */
  async enqueueStaged(index: string, files: { name: string; hash: string; bytes: number }[], options: DataJobOptions = {}): Promise<JobView> {
    await this.indexes.get(index);
    if (!files.length) throw new WeirError('no_files', 'no files to add', { status: 400, path: ['files'] });
    if (files.length > MAX_FILES_PER_JOB) throw new WeirError('too_many_files', `at most ${MAX_FILES_PER_JOB} files per job, got ${files.length}`, { status: 413, path: ['files'] });
    checkNames(files);
    const job = await this.#store.data.createJob({ id: newRunId(), index, kind: 'add', options: checkOptions(options) }, files);
    return this.#submit(job);
  }

  /** Queues a recorded job for any instance's workers. */
  async #submit(job: DataJobRow): Promise<JobView> {
    try {
      await this.queue.add(INGEST_QUEUE, queueId(job.id), { jobId: job.id });
    } catch (err) {
      await this.#store.data.updateJob(job.id, { status: 'failed', error: `the job could not be queued: ${(err as Error).message}`, finishedAt: Date.now() });
      throw new WeirError('queue_unavailable', `the ingestion job could not be queued: ${(err as Error).message}`, { status: 503, cause: err });
    }
    return this.get(job.id);
  }

  /** A worker's turn: runs the job here until it ends, or until the queue's signal stops it. */
  async handle(ctx: JobContext): Promise<unknown> {
    const { jobId } = ctx.payload as { jobId: string };
    const job = await this.#store.data.getJob(jobId);
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return { skipped: job?.status ?? 'missing' };
    const progress = this.#live.get(jobId) ?? (await this.#schedule(job));
    const stop = () => {
      this.#handedBack.add(jobId);
      this.#aborts.get(jobId)?.abort(ctx.signal.reason);
    };
    if (ctx.signal.aborted) stop();
    ctx.signal.addEventListener('abort', stop, { once: true });
    try {
      await this.#runs.get(jobId);
    } finally {
      ctx.signal.removeEventListener('abort', stop);
      this.#handedBack.delete(jobId);
    }
    return { status: progress.view().status };
  }

  /** The queue gave the job up (its instances died three times, or it ran past its timeout). */
  async giveUp(g: GivenUp): Promise<void> {
    const { jobId } = g.payload as { jobId: string };
    const job = await this.#store.data.getJob(jobId);
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return;
    await this.#store.data.updateJob(jobId, { status: 'failed', error: `${g.error.code}: ${g.error.message}`, finishedAt: Date.now() });
  }

  /** Adds files and waits for the job: what the CLI and the bench call. */
  async addFiles(index: string, files: IncomingFile[], options: DataJobOptions = {}, onProgress?: (p: JobProgress) => void): Promise<JobView> {
    const { id } = await this.enqueue(index, files, options);
    return this.wait(id, onProgress);
  }

  /**
   * Re-reads every document of the index with another embedding model (or chunk size): the index
   * takes the new settings and loses its chunks when the job starts, then each document is read
   * again from its kept file. Search answers from the documents done so far while it runs.
   */
  async reindex(index: string, s: ReindexSettings): Promise<JobView> {
    const row = await this.indexes.get(index);
    if (await this.#hasLiveJob(index)) throw new WeirError('index_busy', `data index "${index}" has a job queued or running; re-index when it ends`, { status: 409 });
    const settings = await this.indexes.settings(s.embeddingModel, s.chunkTokens ?? row.chunkTokens, s.overlapTokens ?? row.overlapTokens);
    const docs = await this.#store.data.listDocuments(index);
    const files = this.indexes.files(index);
    const missing: string[] = [];
    for (const d of docs) if (!(await files.has(d.hash))) missing.push(d.name);
    if (missing.length) throw new WeirError('file_missing', `the kept copies of ${missing.length} document(s) are gone (${missing.slice(0, 5).join(', ')}); add them again first`, { status: 422 });
    const job = await this.#store.data.createJob({ id: newRunId(), index, kind: 'reindex', options: { reindex: settings } }, docs.map((d) => ({ name: d.name, hash: d.hash, bytes: d.bytes })));
    return this.#submit(job);
  }

  async #hasLiveJob(index: string): Promise<boolean> {
    return [...this.#live.values()].some((p) => p.job.index === index) || (await this.#store.data.unfinishedJobs()).some((j) => j.index === index);
  }

  async get(id: string): Promise<JobView> {
    const live = this.#live.get(id);
    if (live) return live.view();
    const job = await this.#store.data.getJob(id);
    if (!job) throw new WeirError('job_not_found', `ingestion job "${id}" not found`, { status: 404 });
    return new JobProgress(job, await this.#store.data.jobFiles(id)).view();
  }

  async list(index: string, limit = 20): Promise<JobView[]> {
    await this.indexes.get(index);
    return Promise.all((await this.#store.data.listJobs(index, limit)).map((j) => this.get(j.id)));
  }

  /** The live job, to follow its events; undefined once it has ended (or in another process). */
  follow(id: string): JobProgress | undefined {
    return this.#live.get(id);
  }

  /**
   * Every event of a job to its `done`, wherever it runs: a job a worker of this process runs is
   * followed live; one still queued or run by another instance is read from the store every
   * WATCH_POLL_MS (a `progress` event when its view changed), until a worker here takes it or it ends.
   * Returns the function that stops watching.
   */
  watch(id: string, listener: (e: JobEvent) => void): () => void {
    let stopped = false;
    let live: JobProgress | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = '';
    const onLive = (e: JobEvent) => {
      listener(e);
      if (e.event === 'done') stop();
    };
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      live?.off('event', onLive);
    };
    const look = async () => {
      if (stopped) return;
      live = this.#live.get(id);
      if (live) {
        listener({ event: 'progress', data: live.view() });
        live.on('event', onLive);
        return;
      }
      const view = await this.get(id);
      if (stopped) return;
      const text = JSON.stringify(view);
      if (text !== last) listener({ event: 'progress', data: view });
      last = text;
      if (view.status !== 'queued' && view.status !== 'running') {
        listener({ event: 'done', data: view });
        return stop();
      }
      timer = setTimeout(() => void look().catch(() => stop()), WATCH_POLL_MS);
    };
    void look().catch(() => stop());
    return stop;
  }

  /**
   * Until the job has ended, wherever it runs. `onLive` gets its live progress if a worker of this
   * process takes it.
   */
  async wait(id: string, onLive?: (p: JobProgress) => void): Promise<JobView> {
    let told = false;
    for (;;) {
      const live = this.#live.get(id);
      if (live && !told) {
        told = true;
        onLive?.(live);
      }
      await this.#runs.get(id);
      const view = await this.get(id);
      if (view.status !== 'queued' && view.status !== 'running') return view;
      if (this.#stopping) return view;
      await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
    }
  }

  /** Stops a job at the next batch; files not yet read stay unread. */
  async cancel(id: string): Promise<JobView> {
    const view = await this.get(id);
    if (view.status !== 'queued' && view.status !== 'running') return view;
    this.#cancelled.add(id);
    this.#aborts.get(id)?.abort(new WeirError('cancelled', 'the job was cancelled', { status: 499 }));
    if (!this.#live.has(id)) {
      // Not running here: still queued, left by a process that crashed, or run by another instance
      // (which sees the mark after the file it is on, and stops).
      await this.#store.data.updateJob(id, { status: 'cancelled', finishedAt: Date.now() });
    }
    return this.get(id);
  }

  /** Cancels an index's jobs and waits for them: before the index is deleted. */
  async stopIndex(index: string): Promise<void> {
    const ids = [...this.#live.values()].filter((p) => p.job.index === index).map((p) => p.job.id);
    for (const id of ids) {
      this.#cancelled.add(id);
      this.#aborts.get(id)?.abort(new WeirError('cancelled', 'the index is being deleted', { status: 499 }));
    }
    await Promise.all(ids.map((id) => this.#runs.get(id)));
  }

  /**
   * Jobs a crash or shutdown left unfinished. Each is on the queue already (its next try is the
   * queue's to give); adding it again is a no-op, and queues one recorded before there was a queue.
   */
  async resume(): Promise<JobView[]> {
    const jobs = await this.#store.data.unfinishedJobs();
    for (const j of jobs) await this.queue.add(INGEST_QUEUE, queueId(j.id), { jobId: j.id });
    return Promise.all(jobs.map((j) => this.get(j.id)));
  }

  /** Shutdown: running jobs stop at the next batch and stay unfinished, to resume at the next start. */
  async close(): Promise<void> {
    await this.#ownQueue?.close();
    this.#stopping = true;
    for (const ctl of this.#aborts.values()) ctl.abort(new WeirError('closing', 'the server is shutting down', { status: 503 }));
    await Promise.all(this.#runs.values());
  }

  async #schedule(job: DataJobRow): Promise<JobProgress> {
    const progress = new JobProgress(job, await this.#store.data.jobFiles(job.id));
    this.#live.set(job.id, progress);
    const prev = this.#tails.get(job.index) ?? Promise.resolve();
    const run = prev.then(() => inBackground(() => runJob(this.indexes, progress, this.#stops))).finally(() => {
      this.#live.delete(job.id);
      this.#runs.delete(job.id);
      this.#cancelled.delete(job.id);
      if (this.#tails.get(job.index) === run) this.#tails.delete(job.index);
    });
    this.#runs.set(job.id, run);
    this.#tails.set(job.index, run);
    return progress;
  }
}
