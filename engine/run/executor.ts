import { newRunId } from './run-id.ts';
import { isCancellation, NodeFailedError, RunCancelledError, RunDeadlineError, serializeError, WeirError } from '../errors.ts';
import type { Plan, PlanNode } from '../flow/compile.ts';
import type { LogLevel, Usage } from '../node-definition.ts';
import type { RunEventInit, RunListener } from './events.ts';
import type { RunHandle, RunOptions, RunResult } from './run-types.ts';
import { prepareInputs } from './flow-inputs.ts';
import { backoffMs, consumeStream, isAsyncIterable, isRetryable, isThenable, sleep, withTimeout } from './invoke.ts';
import { addUsage, RunNodeContext, type NodeLogSink, type SignalSource } from './node-context.ts';
import { readRef, resolve, type Scope } from './resolve.ts';
import { aggregationInputs, metricsOf } from './aggregation.ts';
import { addNodeLog, type NodeLog, type NodeTrace } from './trace.ts';
import { SKIPPED, skipReason } from './skip-rules.ts';

export type { RunHandle, RunOptions, RunResult } from './run-types.ts';

const PENDING = 0, RUNNING = 1, DONE = 2, FAILED = 4;

class Execution implements NodeLogSink {
  readonly runId: string;
  #ctl?: AbortController;
  #abortReason?: WeirError;
  /** Listens on the caller's signal while the run lasts; removed when it finishes. */
  #onOuterAbort?: () => void;
  readonly listeners: RunListener[] = [];
  readonly state: Uint8Array;
  readonly remaining: Int32Array;
  readonly scope: Scope;
  readonly trace: NodeTrace[];
  readonly queue: number[] = [];
  readonly usage: Usage = {};
  readonly limit: number;
  readonly t0 = performance.now();
  readonly startedAt = Date.now();
  head = 0;
  running = 0;
  settled = 0;
  seq = 0;
  pumping = false;
  finished = false;
  aggregating = false;
  metrics?: Record<string, number>;
  /** What nodes reported with `ctx.logMetric` (prompt flow's log_metric). */
  logged?: Record<string, number>;
  readonly onMetric = (name: string, value: number): void => void ((this.logged ??= {})[name] = value);
  aggregationOutputs?: Record<string, unknown>;
  deadline?: ReturnType<typeof setTimeout>;
  resolveDone!: (r: RunResult) => void;
  readonly done = new Promise<RunResult>((r) => (this.resolveDone = r));

  constructor(readonly plan: Plan, inputs: Record<string, unknown>, readonly opts: RunOptions) {
    this.runId = opts.runId ?? newRunId();
    this.seq = opts.afterSeq ?? 0;
    const n = plan.nodes.length;
    this.state = new Uint8Array(n);
    this.remaining = plan.depCounts.slice();
    this.scope = { inputs, values: new Array(n) };
    this.trace = plan.nodes.map((p) => ({ node: p.name, type: p.type, status: 'pending', attempts: 0 }));
    this.limit = Math.max(1, opts.concurrency ?? 16);
    if (opts.onEvent) this.listeners.push(opts.onEvent);
  }

  /** The run's signal, made on first use: most runs are never aborted and most nodes never wait. */
  get signal(): AbortSignal {
    if (!this.#ctl) {
      this.#ctl = new AbortController();
      if (this.#abortReason) this.#ctl.abort(this.#abortReason);
    }
    return this.#ctl.signal;
  }

  throwIfAborted(): void {
    if (this.#abortReason) throw this.#abortReason;
  }

  emit(e: RunEventInit): void {
    const ev = e as RunEventInit & { seq: number; runId: string; at: number };
    ev.seq = ++this.seq;
    ev.runId = this.runId;
    ev.at = Date.now();
    for (const l of this.listeners) {
      try {
        l(ev as never);
      } catch {
        // A failing listener must not break the run it listens to.
      }
    }
  }

  start(): void {
    const outer = this.opts.signal;
    if (outer) {
      // The caller's deadline (an async run's job timeout) fails the run; any other abort cancels it.
      const reason = () => (outer.reason instanceof RunDeadlineError ? outer.reason : new RunCancelledError());
      if (outer.aborted) return this.abort(reason());
      this.#onOuterAbort = () => this.abort(reason());
      outer.addEventListener('abort', this.#onOuterAbort, { once: true });
    }
    if (this.opts.deadlineMs) {
      const ms = this.opts.deadlineMs;
      this.deadline = setTimeout(() => this.abort(new RunDeadlineError(ms)), ms);
    }
    if (this.listeners.length) this.emit({ type: 'run.started', flow: this.plan.name, inputs: this.scope.inputs });
    for (let i = 0; i < this.plan.nodes.length; i++) if (this.remaining[i] === 0) this.queue.push(i);
    this.pump();
  }

  pump(): void {
    if (this.pumping || this.finished) return;
    this.pumping = true;
    while (this.running < this.limit && this.head < this.queue.length && !this.finished) this.startNode(this.queue[this.head++]);
    this.pumping = false;
    if (!this.finished && !this.aggregating && this.settled === this.plan.nodes.length) {
      if (this.plan.aggregation && this.opts.aggregate !== false) this.aggregate();
      else this.finish('succeeded');
    }
  }

  lineReads(): unknown[] {
    return this.plan.aggregation!.reads.map((r) => readRef(r, this.scope) ?? null);
  }

  /** A single run of a flow with aggregation nodes: they run on this line's values, as lists of one. */
  aggregate(): void {
    this.aggregating = true;
    const stage = this.plan.aggregation!;
    // Their node events join this run's (its start and end are this run's own).
    const onEvent: RunListener | undefined = this.listeners.length ? (e) => void (e.type.startsWith('run.') || this.emit(e as RunEventInit)) : undefined;
    const opts: RunOptions = { runId: this.runId, signal: this.signal, host: this.opts.host, traceValues: this.opts.traceValues, concurrency: this.limit, onEvent };
    runFlow(stage.plan, aggregationInputs(stage, [this.lineReads()]), opts).then((r) => {
      if (this.finished) return;
      this.trace.push(...r.trace);
      addUsage(this.usage, r.usage);
      if (r.status !== 'succeeded') return this.abort(r.cause instanceof WeirError ? r.cause : new RunCancelledError());
      this.aggregationOutputs = r.outputs;
      this.metrics = { ...metricsOf(r.outputs), ...r.metrics };
      this.finish('succeeded');
    }, (err: unknown) => this.abort(err instanceof WeirError ? err : new WeirError('error', String(err))));
  }

  skipReason(n: PlanNode): string | undefined {
    return skipReason(n, this.plan, this.state, this.scope);
  }

  inputsFor(n: PlanNode, scope: Scope): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let k = 0; k < n.inputs.length; k++) out[n.inputs[k][0]] = resolve(n.inputs[k][1], scope);
    // Prompt flow hands a bypassed input over as None; a type that accepts skipped inputs gets undefined.
    if (n.skipWhenAll && !n.def.acceptsSkippedInputs) {
      for (const k in out) if (out[k] === undefined) out[k] = null;
    }
    for (const [key, schema] of n.runtimeChecks) {
      const r = schema.safeParse(out[key]);
      if (!r.success) throw new WeirError('invalid_node_input', `node "${n.name}" input "${key}": ${r.error.issues[0]?.message}`, { node: n.name, path: ['inputs', key] });
      out[key] = r.data;
    }
    return out;
  }

  startNode(i: number): void {
    const n = this.plan.nodes[i];
    const tr = this.trace[i];
    const reason = this.skipReason(n);
    if (reason !== undefined) {
      this.state[i] = SKIPPED;
      tr.status = 'skipped';
      tr.skipReason = reason;
      if (this.listeners.length) this.emit({ type: 'node.skipped', node: n.name, reason });
      return this.complete(i);
    }
    this.state[i] = RUNNING;
    this.running++;
    tr.status = 'running';
    tr.startMs = performance.now() - this.t0;
    let result: unknown;
    try {
      if (n.map || n.retry || n.timeoutMs) {
        result = this.runGuarded(n, tr);
      } else {
        const inputs = this.inputsFor(n, this.scope);
        if (this.opts.traceValues !== false) tr.inputs = inputs;
        tr.attempts = 1;
        if (this.listeners.length) this.emit({ type: 'node.started', node: n.name, attempt: 1 });
        result = n.def.run(this.ctx(n, 1, this), inputs, n.config, n.prepared);
      }
    } catch (err) {
      return this.nodeFailed(i, err);
    }
    if (isThenable(result)) {
      result.then((v) => this.afterValue(i, v), (e) => this.nodeFailed(i, e));
    } else this.afterValue(i, result);
  }

  ctx(n: PlanNode, attempt: number, signal: SignalSource | AbortSignal): RunNodeContext {
    const tr = this.trace[n.index];
    return new RunNodeContext(this.runId, n.name, attempt, signal, this.plan.flowDir, this.opts.host ?? {}, (u) => {
      addUsage((tr.usage ??= {}), u);
      addUsage(this.usage, u);
    }, this.onMetric, this, tr);
  }

  /** A node's `ctx.log` line joins its trace entry (the host's log got it already). */
  nodeLog(tr: NodeTrace, attempt: number, level: LogLevel, message: string, data: unknown): void {
    const line: NodeLog = { level, message: typeof message === 'string' ? message : String(message), atMs: performance.now() - this.t0 };
    if (attempt > 1) line.attempt = attempt;
    if (data !== undefined && this.opts.traceValues !== false) line.data = data;
    addNodeLog(tr, line);
  }

  afterValue(i: number, v: unknown): void {
    if (this.finished) return;
    if (isAsyncIterable(v) && typeof v !== 'string') {
      const n = this.plan.nodes[i];
      consumeStream(v, this.signal, (c) => this.chunk(n, c)).then((joined) => this.afterValue(i, joined), (e) => this.nodeFailed(i, e));
      return;
    }
    this.state[i] = DONE;
    this.scope.values[i] = v;
    const tr = this.trace[i];
    tr.status = 'succeeded';
    tr.endMs = performance.now() - this.t0;
    if (this.opts.traceValues !== false) tr.output = v;
    if (this.listeners.length) this.emit({ type: 'node.finished', node: tr.node, ms: tr.endMs - tr.startMs! });
    this.running--;
    this.complete(i);
  }

  chunk(n: PlanNode, c: unknown): void {
    if (!this.listeners.length) return;
    this.emit({ type: 'node.chunk', node: n.name, chunk: c });
    for (const output of n.streamsTo) this.emit({ type: 'output.chunk', output, chunk: c });
  }

  nodeFailed(i: number, err: unknown): void {
    if (this.finished) return;
    const n = this.plan.nodes[i];
    const tr = this.trace[i];
    const wrapped = err instanceof WeirError && err.node === n.name ? err : new NodeFailedError(n.name, err);
    tr.status = 'failed';
    tr.endMs = performance.now() - this.t0;
    tr.error = serializeError(wrapped);
    if (this.state[i] === RUNNING) this.running--;
    this.state[i] = FAILED;
    if (this.listeners.length) this.emit({ type: 'node.failed', node: n.name, error: tr.error, continued: n.continueOnError });
    if (n.continueOnError && !isCancellation(err)) {
      this.scope.values[i] = { error: tr.error };
      return this.complete(i);
    }
    this.abort(wrapped);
  }

  complete(i: number): void {
    this.settled++;
    const deps = this.plan.nodes[i].dependents;
    for (let k = 0; k < deps.length; k++) if (--this.remaining[deps[k]] === 0) this.queue.push(deps[k]);
    this.pump();
  }

  /** The slow path: mapping, retries and timeouts. */
  async runGuarded(n: PlanNode, tr: NodeTrace): Promise<unknown> {
    if (!n.map) {
      const inputs = this.inputsFor(n, this.scope);
      if (this.opts.traceValues !== false) tr.inputs = inputs;
      return this.attempts(n, tr, inputs, true);
    }
    const over = resolve(n.map.over, this.scope);
    if (!Array.isArray(over)) throw new WeirError('map_not_array', `node "${n.name}": map.over must be an array, got ${over === null ? 'null' : typeof over}`, { node: n.name, path: ['map', 'over'] });
    if (over.length > n.map.maxItems) throw new WeirError('map_too_large', `node "${n.name}": map.over has ${over.length} items, more than map.max_items (${n.map.maxItems}); raise max_items or split the input`, { node: n.name, path: ['map', 'max_items'] });
    tr.items = over.length;
    const results = new Array(over.length);
    const allInputs: unknown[] = [];
    let next = 0;
    const worker = async () => {
      while (next < over.length && !this.#abortReason) {
        const k = next++;
        const inputs = this.inputsFor(n, { ...this.scope, item: over[k], index: k });
        allInputs[k] = inputs;
        results[k] = await this.attempts(n, tr, inputs, false);
      }
    };
    await Promise.all(Array.from({ length: Math.min(n.map.concurrency, over.length) }, worker));
    if (this.opts.traceValues !== false) tr.inputs = allInputs;
    return results;
  }

  async attempts(n: PlanNode, tr: NodeTrace, inputs: Record<string, unknown>, streamOut: boolean): Promise<unknown> {
    const runSignal = this.signal;
    for (let attempt = 1; ; attempt++) {
      tr.attempts = Math.max(tr.attempts, attempt);
      if (this.listeners.length) this.emit({ type: 'node.started', node: n.name, attempt });
      const once = async (signal: AbortSignal) => {
        const r = await n.def.run(this.ctx(n, attempt, signal), inputs, n.config, n.prepared);
        return isAsyncIterable(r) ? consumeStream(r, signal, (c) => (streamOut ? this.chunk(n, c) : undefined)) : r;
      };
      try {
        return n.timeoutMs ? await withTimeout(n.timeoutMs, n.name, runSignal, once) : await once(runSignal);
      } catch (err) {
        if (runSignal.aborted || !n.retry || attempt >= n.retry.maxAttempts || !isRetryable(err)) throw err;
        const delayMs = backoffMs(n.retry, attempt);
        if (this.listeners.length) this.emit({ type: 'node.retrying', node: n.name, attempt: attempt + 1, delayMs, error: serializeError(err) });
        await sleep(delayMs, runSignal);
      }
    }
  }

  abort(reason: WeirError): void {
    if (this.finished) return;
    this.#abortReason = reason;
    this.#ctl?.abort(reason);
    const status = reason instanceof RunCancelledError ? 'cancelled' : 'failed';
    this.finish(status, reason);
  }

  finish(status: RunResult['status'], err?: WeirError): void {
    this.finished = true;
    if (this.deadline) clearTimeout(this.deadline);
    // The caller's signal may outlive the run (a sub-flow gets its calling node's signal, once per map item).
    if (this.#onOuterAbort) this.opts.signal!.removeEventListener('abort', this.#onOuterAbort);
    const end = performance.now() - this.t0;
    for (const tr of this.trace) {
      if (tr.status === 'running') (tr.status = 'cancelled'), (tr.endMs = end);
    }
    const outputs: Record<string, unknown> = {};
    const nullOutputs: Record<string, string> = {};
    if (status === 'succeeded') {
      for (const [name, b] of this.plan.outputs) {
        const v = resolve(b, this.scope);
        outputs[name] = v === undefined ? null : v;
        if (b.t === 'ref' && b.ref.kind === 'node' && this.state[b.ref.idx] === SKIPPED) {
          nullOutputs[name] = `node "${b.ref.node}" was skipped: ${this.trace[b.ref.idx].skipReason}`;
        }
      }
    }
    const error = err ? serializeError(err) : undefined;
    const result: RunResult = {
      runId: this.runId, flow: this.plan.name, status, outputs, nullOutputs, error, cause: err,
      usage: this.usage, trace: this.trace, startedAt: this.startedAt, durationMs: end,
    };
    if (status === 'succeeded' && this.plan.aggregation) {
      if (this.metrics) (result.metrics = this.metrics), (result.aggregationOutputs = this.aggregationOutputs);
      else result.aggregationInputs = this.lineReads();
    } else if (this.logged) result.metrics = this.logged;
    if (this.listeners.length) this.emit({ type: 'run.finished', status, outputs: status === 'succeeded' ? outputs : undefined, error, usage: this.usage, ms: end });
    this.resolveDone(result);
  }
}

/** Starts a run of a compiled plan. Bad inputs throw an InputError before anything runs. */
export function startRun(plan: Plan, inputs: Record<string, unknown> | undefined, opts: RunOptions = {}): RunHandle {
  const exec = new Execution(plan, prepareInputs(plan.inputs, inputs), opts);
  const handle: RunHandle = {
    runId: exec.runId,
    done: exec.done,
    cancel: (reason) => exec.abort(new RunCancelledError(reason)),
    subscribe: (l) => {
      exec.listeners.push(l);
      return () => {
        const k = exec.listeners.indexOf(l);
        if (k >= 0) exec.listeners.splice(k, 1);
      };
    },
  };
  exec.start();
  return handle;
}

export function runFlow(plan: Plan, inputs?: Record<string, unknown>, opts?: RunOptions): Promise<RunResult> {
  return startRun(plan, inputs, opts).done;
}
