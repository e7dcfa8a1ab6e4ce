import { newRunId } from '../run/run-id.ts';
import { WeirError } from '../errors.ts';
import type { Plan } from '../flow/compile.ts';
import type { RunEvent, RunListener } from '../run/events.ts';
import { startRun, type RunHandle, type RunResult } from '../run/executor.ts';
import type { RunHost } from '../run/node-context.ts';
import type { Store } from '../store/types.ts';
import { UsageMeter } from './usage-meter.ts';
import { finishedRow, runningRow, traceRows, type RunMeta } from './run-records.ts';

interface LiveRun {
  handle: RunHandle;
  events: RunEvent[];
  listeners: Set<RunListener>;
  deployment: string | null;
}

export interface StartOptions extends RunMeta {
  plan: Plan;
  inputs: Record<string, unknown> | undefined;
  host: RunHost;
  onEvent?: RunListener;
  keyId?: string | null;
  /** Store node traces for this run (sync calls are sampled per deployment). */
  keepTrace?: boolean;
  signal?: AbortSignal;
}

/**
 * Starts runs and records them. Async and draft runs are stored as `running` before they start and
 * finished in one transaction; synchronous endpoint calls go through the store's group commit.
 * Live runs keep their events in memory so SSE followers can resume; once stored, from the store.
 */
export class RunService {
  readonly #live = new Map<string, LiveRun>();
  #stopped = false;

  readonly usage: UsageMeter;

  constructor(private readonly store: Store) {
    this.usage = new UsageMeter(store);
  }

  /**
   * Throws InputError (before anything is recorded) when the inputs do not fit the flow.
   * `recorded` settles once an async or draft run is stored as running: answer the caller after it.
   */
  start(o: StartOptions): { runId: string; done: Promise<RunResult>; recorded: Promise<void> } {
    const runId = newRunId();
    const meta: RunMeta = { flow: o.flow, version: o.version, deployment: o.deployment, mode: o.mode };
    const tracked = o.mode !== 'sync';
    const live: LiveRun | undefined = tracked ? { handle: undefined as never, events: [], listeners: new Set(), deployment: o.deployment } : undefined;
    const onEvent: RunListener | undefined = live
      ? (e) => {
          live.events.push(e);
          o.onEvent?.(e);
          for (const l of live.listeners) l(e);
        }
      : o.onEvent;
    const handle = startRun(o.plan, o.inputs, { runId, host: o.host, onEvent, signal: o.signal });
    let recorded = Promise.resolve();
    if (live) {
      live.handle = handle;
      this.#live.set(runId, live);
      recorded = this.store.runs.start(runningRow(runId, meta, o.inputs ?? {}));
      // A run nobody could look up must not go on spending.
      recorded.catch(() => handle.cancel('the run could not be recorded'));
    }
    const done = handle.done.then(async (r) => {
      // The finish must land after the row it finishes (a server database may reorder otherwise).
      await recorded;
      // After shutdown the store is closing: the run stays `running` there and is marked interrupted.
      if (this.#stopped) return r;
      const record = { run: finishedRow(r, meta, o.inputs ?? {}), trace: o.keepTrace === false ? undefined : traceRows(r) };
      if (live) {
        try {
          await this.store.runs.finish(record);
          await this.store.runs.appendEvents(live.events.map((e) => ({ runId, seq: e.seq, type: e.type, data: e })));
        } finally {
          this.#live.delete(runId);
        }
      } else this.store.runs.enqueue(record);
      if (o.deployment) this.usage.add(o.deployment, o.keyId ?? null, r.usage);
      return r;
    });
    // Async runs have no caller waiting on `done`: a failed write is logged, not an unhandled rejection.
    if (live) done.catch((err: unknown) => console.error(`run ${runId} could not be recorded:`, (err as Error).message));
    return { runId, done, recorded };
  }

  cancel(runId: string): boolean {
    const live = this.#live.get(runId);
    if (!live) return false;
    live.handle.cancel('cancelled through the API');
    return true;
  }

  liveDeployment(runId: string): string | null | undefined {
    return this.#live.get(runId)?.deployment;
  }

  /**
   * Replays a run's events after `afterSeq` and follows it until it finishes.
   * Returns an unsubscribe function; `onEnd` is called once the run's last event was delivered.
   */
  async follow(runId: string, afterSeq: number, listener: RunListener, onEnd: () => void): Promise<() => void> {
    const live = this.#live.get(runId);
    if (live) {
      for (const e of live.events) if (e.seq > afterSeq) listener(e);
      const wrapped: RunListener = (e) => {
        listener(e);
        if (e.type === 'run.finished') {
          live.listeners.delete(wrapped);
          onEnd();
        }
      };
      live.listeners.add(wrapped);
      return () => live.listeners.delete(wrapped);
    }
    if (!(await this.store.runs.get(runId))) throw new WeirError('run_not_found', `run ${runId} not found`, { status: 404 });
    // The run may have finished while the store answered: its events are stored by now.
    for (const e of await this.store.runs.events(runId, afterSeq)) listener(e.data as RunEvent);
    queueMicrotask(onEnd);
    return () => {};
  }

  /** Shutdown: aborts what still runs without recording it; the store marks those interrupted. */
  async stopAll(): Promise<void> {
    this.#stopped = true;
    for (const live of this.#live.values()) live.handle.cancel('the server is shutting down');
    await this.usage.close();
  }

  waitAll(): Promise<unknown> {
    return Promise.allSettled([...this.#live.values()].map((l) => l.handle.done));
  }
}
