import { newRunId } from '../run/run-id.ts';
import { WeirError } from '../errors.ts';
import type { Plan } from '../flow/compile.ts';
import type { RunEvent, RunListener } from '../run/events.ts';
import { startRun, type RunHandle, type RunResult } from '../run/executor.ts';
import type { RunHost } from '../run/node-context.ts';
import type { NodeTraceRow, RunFilter, RunRow, Store } from '../store/types.ts';
import type { Usage } from '../node-definition.ts';
import { MemoryBus } from '../bus/memory-bus.ts';
import type { Bus } from '../bus/types.ts';
import { CANCEL_CHANNEL, followRemote, isActive, RunEventLog, type EventLogOptions } from './run-events.ts';
import { callRecord, runStatus } from './gateway/meter.ts';
import { UsageMeter, callRetentionDays } from './usage-meter.ts';
import { CLOSING, JOB_LOST } from '../queue/types.ts';
import { endedRow, finishedRow, runningRow, traceRows, type RunMeta } from './run-records.ts';
import type { Telemetry } from '../telemetry/telemetry.ts';

/**
 * Why the job queue stops a run it will run again (here or elsewhere): the run is not recorded as
 * ended, its next try records it.
 */
const HANDED_ON = new Set([CLOSING, JOB_LOST]);

/** A follower of a run on another instance reads its stored status this often, in case that instance died. */
const FOLLOW_POLL_MS = 1000;

interface LiveRun {
  handle: RunHandle;
  log: RunEventLog;
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
  /**
   * Aborting it cancels the run. Aborted with a WeirError `closing` or `job_lost` (the job queue
   * handing the run back at a shutdown, or another instance having taken it), the run ends without
   * being recorded: it stays `running` for its next try.
   */
  signal?: AbortSignal;
  /** The caller's W3C trace context (read only when traces are exported): the run's span continues it. */
  traceparent?: string;
  tracestate?: string;
  /** The run's id when the caller has given the call one already (the gateway's request id). */
  runId?: string;
  /** A run the job queue starts: its id, and the last event seq stored by an earlier try (0 for none). */
  queued?: { runId: string; afterSeq: number };
}

export interface RunServiceOptions {
  /** Shared with the other instances: run events and cancel requests cross it. */
  bus?: Bus;
  /** How live events are batched into the store (and onto the bus). */
  events?: EventLogOptions;
  /** Following a run another instance runs: how often its stored status is read (ms). */
  followPollMs?: number;
  /** A deployment's run ended: its tokens go to the calling key's limits (the gateway). */
  charge?: (keyId: string | null, usage: Usage) => Promise<void>;
  /** OpenTelemetry, when traces are exported: each run's events become its spans. */
  telemetry?: Telemetry;
}

/**
 * Starts runs and records them. Async and draft runs are stored as `running` before they start and
 * finished in one transaction; synchronous endpoint calls go through the store's group commit.
 * Their events are stored in small batches as they happen and each batch is published on the bus,
 * so any instance can follow (and resume) them; the owner also keeps them in memory for its own
 * followers. A cancel request for a run another instance runs goes to it over the bus.
 */
export class RunService {
  readonly #live = new Map<string, LiveRun>();
  #stopped = false;
  readonly #bus: Bus;
  /** Subscribed once, with the first tracked run: cancel requests from the other instances. */
  #cancels: Promise<void> | undefined;
  #stopCancels: (() => Promise<void>) | undefined;

  readonly usage: UsageMeter;

  constructor(private readonly store: Store, private readonly opts: RunServiceOptions = {}) {
    this.usage = new UsageMeter(store, 1000, callRetentionDays());
    this.#bus = opts.bus ?? new MemoryBus();
  }

  /** A recorded run (live ones are recorded as running first). */
  get(id: string): Promise<RunRow | undefined> {
    return this.store.runs.get(id);
  }

  list(filter: RunFilter): Promise<RunRow[]> {
    return this.store.runs.list(filter);
  }

  trace(id: string): Promise<NodeTraceRow[]> {
    return this.store.runs.trace(id);
  }

  /**
   * Throws InputError (before anything is recorded) when the inputs do not fit the flow.
   * `recorded` settles once an async or draft run is stored as running: answer the caller after it.
   */
  start(o: StartOptions): { runId: string; done: Promise<RunResult>; recorded: Promise<void> } {
    const runId = o.queued?.runId ?? o.runId ?? newRunId();
    const meta: RunMeta = { flow: o.flow, version: o.version, deployment: o.deployment, mode: o.mode };
    const tracked = o.mode !== 'sync';
    let recorded = Promise.resolve();
    // Events are written in batches, later: by then `recorded` is the stored row's.
    const live: LiveRun | undefined = tracked ? { handle: undefined as never, log: new RunEventLog(runId, this.store, this.#bus, () => recorded, this.opts.events), listeners: new Set(), deployment: o.deployment } : undefined;
    const onEvent: RunListener | undefined = live
      ? (e) => {
          live.log.push(e);
          o.onEvent?.(e);
          for (const l of live.listeners) l(e);
        }
      : o.onEvent;
    const traced = this.opts.telemetry ? this.opts.telemetry.traceRun(runId, o.plan, { ...meta, traceparent: o.traceparent, tracestate: o.tracestate }, onEvent) : onEvent;
    const handle = startRun(o.plan, o.inputs, { runId, host: o.host, onEvent: traced, signal: o.signal, afterSeq: o.queued?.afterSeq });
    if (live) {
      live.handle = handle;
      this.#live.set(runId, live);
      const stored = this.store.runs.start(runningRow(runId, meta, o.inputs ?? {}));
      // Answered (202) once a cancel sent to any instance would reach this one.
      recorded = Promise.all([stored, this.#listenForCancels()]).then(() => {});
      // A run nobody could look up must not go on spending.
      recorded.catch(() => handle.cancel('the run could not be recorded'));
    }
    const done = handle.done.then(async (r) => {
      // The finish must land after the row it finishes (a server database may reorder otherwise).
      await recorded;
      // After shutdown the store is closing: the run stays `running` there and is marked interrupted.
      if (this.#stopped) return r;
      if (live && r.status !== 'succeeded' && HANDED_ON.has((o.signal?.reason as WeirError | undefined)?.code ?? '')) {
        await live.log.stop();
        this.#live.delete(runId);
        return r;
      }
      const record = { run: finishedRow(r, meta, o.inputs ?? {}), trace: o.keepTrace === false ? undefined : traceRows(r) };
      if (live) {
        try {
          // The last events, then the finished row, then the last batch on the bus.
          await live.log.finish(() => this.store.runs.finish(record));
        } finally {
          this.#live.delete(runId);
        }
      } else this.store.runs.enqueue(record);
      if (o.deployment) {
        this.usage.add(o.deployment, o.keyId ?? null, r.usage);
        // A synchronous call is recorded by its route, which knows how it was answered; a queued one here, at its end.
        if (o.mode === 'async') this.usage.log(callRecord({ id: runId, at: r.startedAt, deployment: o.deployment, kind: 'flow', keyId: o.keyId ?? null, model: null }, r.usage, { status: runStatus(r) }));
        this.opts.charge?.(o.keyId ?? null, r.usage).catch((err: unknown) => console.error(`run ${runId}'s tokens could not be charged to its key:`, (err as Error).message));
      }
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

  /**
   * Cancels the run wherever it runs: here at once; if another instance runs it (it is `running` in
   * the store), a request goes to that instance over the bus. False when it does not run.
   */
  async cancelAnywhere(runId: string): Promise<boolean> {
    if (this.cancel(runId)) return true;
    const row = await this.store.runs.get(runId);
    if (!row || !isActive(row.status)) return false;
    // Still waiting in the job queue: recorded as cancelled, so no worker starts it (and should
    // one have started it meanwhile, the request below reaches it).
    if (row.status === 'queued') await this.store.runs.finish({ run: endedRow(row, 'cancelled', { code: 'run_cancelled', message: 'cancelled through the API before it started' }) });
    await this.#bus.publish(CANCEL_CHANNEL, { runId });
    return true;
  }

  #listenForCancels(): Promise<void> {
    return (this.#cancels ??= this.#bus
      .subscribe(CANCEL_CHANNEL, (m) => {
        const runId = (m as { runId?: unknown } | null)?.runId;
        if (typeof runId === 'string') this.cancel(runId);
      })
      .then(
        (stop) => {
          this.#stopCancels = stop;
        },
        (err: unknown) => {
          // Runs go on without: cancels from other instances miss them; the next run tries again.
          console.error('could not listen for cancel requests:', (err as Error).message);
          this.#cancels = undefined;
        },
      ));
  }

  liveDeployment(runId: string): string | null | undefined {
    return this.#live.get(runId)?.deployment;
  }

  /**
   * Replays a run's events after `afterSeq` and follows it until it finishes, whichever instance
   * runs it. Returns an unsubscribe function; `onEnd` is called once the run's last event was
   * delivered (or, for a run on another instance, once the store says it is over).
   */
  async follow(runId: string, afterSeq: number, listener: RunListener, onEnd: () => void): Promise<() => void> {
    const live = this.#live.get(runId);
    if (live) {
      for (const e of live.log.events) if (e.seq > afterSeq) listener(e);
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
    const row = await this.store.runs.get(runId);
    if (!row) throw new WeirError('run_not_found', `run ${runId} not found`, { status: 404 });
    // Not here and not over: another instance runs it (a run of this one is in #live until finished).
    if (isActive(row.status)) return followRemote({ store: this.store, bus: this.#bus, runId, afterSeq, listener, onEnd, pollMs: this.opts.followPollMs ?? FOLLOW_POLL_MS });
    // The run may have finished while the store answered: its events are stored by now.
    for (const e of await this.store.runs.events(runId, afterSeq)) listener(e.data as RunEvent);
    queueMicrotask(onEnd);
    return () => {};
  }

  /** Runs this instance is running now (tracked ones: async and draft). */
  liveIds(): string[] {
    return [...this.#live.keys()];
  }

  /** Shutdown: aborts what still runs without recording it; the store marks those interrupted. */
  async stopAll(): Promise<void> {
    this.#stopped = true;
    for (const live of this.#live.values()) live.handle.cancel('the server is shutting down');
    await Promise.all([...this.#live.values()].map((l) => l.log.stop()));
    await this.#stopCancels?.().catch(() => {});
    await this.usage.close();
  }

  waitAll(): Promise<unknown> {
    return Promise.allSettled([...this.#live.values()].map((l) => l.handle.done));
  }
}
