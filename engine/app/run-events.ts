import type { Bus } from '../bus/types.ts';
import type { RunEvent, RunListener } from '../run/events.ts';
import type { StoredRunStatus, Store } from '../store/types.ts';

/**
 * Live run events across instances. The instance running a run writes its events to the store in
 * small batches and then publishes each batch on the run's channel; an instance following a run it
 * does not run reads the store and listens on that channel. Because a batch is stored before it is
 * published, whatever a follower missed on the bus is in the store.
 */

/** The bus channel a run's event batches are published on: `{ events: RunEvent[] }`. */
export const runChannel = (runId: string): string => `run:${runId}:events`;
/** Cancel requests for runs another instance runs: `{ runId }`; the owner cancels it. */
export const CANCEL_CHANNEL = 'runs:cancel';

/** A run still going on some instance (or left so by one that died, until the store marks it). */
export const isActive = (status: StoredRunStatus): boolean => status === 'running' || status === 'queued';

export interface EventLogOptions {
  /** A batch is written this long after its first event at the latest (ms). */
  flushMs?: number;
  /** …or as soon as it holds this many events. */
  maxBatch?: number;
}

const FLUSH_MS = 50;
const MAX_BATCH = 64;

function batchOf(message: unknown): RunEvent[] | undefined {
  const events = (message as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return undefined;
  return events.every((e) => typeof (e as RunEvent | null)?.seq === 'number') ? (events as RunEvent[]) : undefined;
}

/**
 * The owner's side of one tracked run: keeps every event (local followers replay them from memory),
 * writes them to the store every `flushMs` or `maxBatch` events, one write at a time, and publishes
 * each batch once stored. `push` is called synchronously by the executor: it only queues.
 */
export class RunEventLog {
  readonly events: RunEvent[] = [];
  /** How many of `events` (a prefix) are in the store. */
  #stored = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writeQueued = false;
  #chain: Promise<void> = Promise.resolve();
  /** finish() or stop() was called: no more batches on a timer. */
  #closing = false;
  /** stop() was called: nothing more is written at all. */
  #halted = false;
  readonly #flushMs: number;
  readonly #maxBatch: number;

  /** `recorded()` settles once the run's row is stored: events reference it. */
  constructor(
    private readonly runId: string,
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly recorded: () => Promise<void>,
    opts: EventLogOptions = {},
  ) {
    this.#flushMs = opts.flushMs ?? FLUSH_MS;
    this.#maxBatch = opts.maxBatch ?? MAX_BATCH;
  }

  push(e: RunEvent): void {
    this.events.push(e);
    if (this.#closing || this.#writeQueued) return;
    if (this.events.length - this.#stored >= this.#maxBatch) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#flushMs).unref();
  }

  /**
   * Writes what is left, then `finishRow` (the run's finished row), then publishes the last batch:
   * a follower elsewhere that sees the run finished in the store finds all its events there too,
   * and one told `run.finished` over the bus finds the run finished. A failed event write is
   * logged (the run is still finished); a failed `finishRow` rejects.
   */
  finish(finishRow: () => Promise<void>): Promise<void> {
    this.#close();
    const last = this.#chain.then(async () => {
      const batch = await this.#write(true);
      try {
        await finishRow();
      } finally {
        await this.#publish(batch);
      }
    });
    this.#chain = last.catch(() => {});
    return last;
  }

  /** Shutdown: writes nothing more; resolves once a write under way is done (the store closes next). */
  stop(): Promise<void> {
    this.#close();
    this.#halted = true;
    return this.#chain;
  }

  #close(): void {
    this.#closing = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writeQueued = true;
    this.#chain = this.#chain.then(async () => this.#publish(await this.#write(false)));
  }

  /**
   * Stores the events not stored yet and returns them; on failure logs and returns none (they go
   * with the next write). `run.finished` waits for the last write, the one finish() makes.
   */
  async #write(last: boolean): Promise<RunEvent[]> {
    this.#writeQueued = false;
    const end = !last && this.events[this.events.length - 1]?.type === 'run.finished' ? this.events.length - 1 : this.events.length;
    const batch = this.events.slice(this.#stored, end);
    if (!batch.length || this.#halted) return [];
    try {
      await this.recorded();
    } catch {
      return []; // never stored (and so cancelled): there is no run to attach events to
    }
    try {
      await this.store.runs.appendEvents(batch.map((e) => ({ runId: this.runId, seq: e.seq, type: e.type, data: e })));
      this.#stored = end;
      return batch;
    } catch (err) {
      console.error(`events of run ${this.runId} could not be stored${last ? '' : ' (retried with the next batch)'}:`, (err as Error).message);
      return [];
    }
  }

  async #publish(batch: RunEvent[]): Promise<void> {
    if (!batch.length) return;
    // At most once, like every bus message: a follower that misses a batch reads it from the store.
    await this.bus.publish(runChannel(this.runId), { events: batch }).catch((err: unknown) => console.error(`events of run ${this.runId} could not be published:`, (err as Error).message));
  }
}

export interface RemoteFollow {
  store: Store;
  bus: Bus;
  runId: string;
  afterSeq: number;
  listener: RunListener;
  onEnd: () => void;
  /** How often the run's stored status is read while following (ms). */
  pollMs: number;
}

/**
 * Follows a run another instance runs (queued or running in the store). Subscribes to the run's
 * channel first, then reads the stored events after `afterSeq`, then delivers each batch from the
 * bus: only events after the last one delivered (no duplicates), and a batch that skips ahead has
 * its gap read from the store first (no gaps; it was stored before it was published). Every step
 * runs one after another, so bus batches that arrive during a store read wait for it.
 * Ends after `run.finished`. The owner may die without sending it, so the run's status is also
 * read from the store every `pollMs` (a modest interval: one small query per follower): once the
 * store says finished, cancelled or interrupted, the rest of the stored events are delivered and
 * the stream ends. Resolves with the function that stops following, once subscribed.
 */
export async function followRemote(o: RemoteFollow): Promise<() => void> {
  let last = o.afterSeq;
  let over = false;
  let chain = Promise.resolve();
  let unsubscribe: (() => Promise<void>) | undefined;
  let poll: ReturnType<typeof setInterval> | undefined;

  const close = (): boolean => {
    if (over) return false;
    over = true;
    clearInterval(poll);
    void unsubscribe?.().catch(() => {});
    return true;
  };
  const end = () => {
    if (close()) o.onEnd();
  };
  const emit = (e: RunEvent) => {
    if (over || e.seq <= last) return;
    last = e.seq;
    o.listener(e);
    if (e.type === 'run.finished') end();
  };
  const catchUp = async () => {
    for (const stored of await o.store.runs.events(o.runId, last)) emit(stored.data as RunEvent);
  };
  const step = (work: () => Promise<void>) => {
    chain = chain
      .then(() => (over ? undefined : work()))
      .catch((err: unknown) => {
        console.error(`following run ${o.runId} failed:`, (err as Error).message);
        end(); // the client resumes with Last-Event-ID
      });
  };
  const onBatch = async (events: RunEvent[]) => {
    for (const e of events) {
      if (e.seq > last + 1) await catchUp();
      emit(e);
    }
  };
  const checkStatus = async () => {
    const row = await o.store.runs.get(o.runId);
    if (row && isActive(row.status)) return;
    await catchUp();
    end();
  };

  unsubscribe = await o.bus.subscribe(runChannel(o.runId), (m) => {
    const events = batchOf(m);
    if (events) step(() => onBatch(events));
  });
  step(catchUp);
  step(checkStatus);
  poll = setInterval(() => step(checkStatus), o.pollMs);
  poll.unref();
  return () => void close();
}
