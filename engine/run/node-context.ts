import { WeirError } from '../errors.ts';
import type { LoadedModel } from '../models/types.ts';
import type { Connection, IndexQuery, LogLevel, ModelRef, NodeContext, RetrievedChunk, Usage } from '../node-definition.ts';
import type { NodeTrace } from './trace.ts';

/** What a run offers its nodes from outside the flow; the host (CLI, server) provides it. */
export interface RunHost {
  connection?(name: string): Promise<Connection>;
  /** Models for llm/embed nodes: the server resolves deployments and connections. */
  model?(ref: ModelRef): Promise<LoadedModel>;
  /** Data indexes for retrieval nodes. */
  searchIndex?(index: string, query: string | number[], opts: IndexQuery): Promise<RetrievedChunk[]>;
  /** Runs another flow by name; the executor sets this up from `loadFlow`. */
  runFlow?(name: string, inputs: Record<string, unknown>, signal: AbortSignal): Promise<{ outputs: Record<string, unknown>; usage: Usage }>;
  log?(entry: { runId: string; node: string; level: LogLevel; message: string; data?: unknown }): void;
}

/** Where a node's `ctx.log` lines are kept besides the host's log: the run's trace (the executor is one). */
export interface NodeLogSink {
  nodeLog(tr: NodeTrace, attempt: number, level: LogLevel, message: string, data: unknown): void;
}

/** Where a context's signal comes from: a signal, or a run that makes its own on first use. */
export interface SignalSource {
  readonly signal: AbortSignal;
  throwIfAborted(): void;
}

/** Per-attempt context; methods live on the prototype so creating one per node is cheap. */
export class RunNodeContext implements NodeContext {
  constructor(
    readonly runId: string,
    readonly node: string,
    readonly attempt: number,
    private readonly source: SignalSource | AbortSignal,
    readonly flowDir: string | undefined,
    private readonly host: RunHost,
    private readonly onUsage: (u: Usage) => void,
    private readonly onMetric?: (name: string, value: number) => void,
    /** With `tr`: the run keeps this node's log lines in its trace entry. Both are existing objects, so a node that logs nothing costs nothing. */
    private readonly logSink?: NodeLogSink,
    private readonly tr?: NodeTrace,
  ) {}

  get signal(): AbortSignal {
    const s = this.source;
    return s instanceof AbortSignal ? s : s.signal;
  }

  throwIfAborted(): void {
    this.source.throwIfAborted();
  }

  log(level: LogLevel, message: string, data?: unknown): void {
    this.host.log?.({ runId: this.runId, node: this.node, level, message, data });
    if (this.tr) this.logSink!.nodeLog(this.tr, this.attempt, level, message, data);
  }

  reportUsage(usage: Usage): void {
    this.onUsage(usage);
  }

  logMetric(name: string, value: number): void {
    if (typeof name !== 'string' || !name || typeof value !== 'number' || !Number.isFinite(value)) {
      throw new WeirError('invalid_metric', `node "${this.node}": log_metric needs a name and a finite number, got ${JSON.stringify(name)} = ${String(value)}`, { node: this.node });
    }
    this.onMetric?.(name, value);
  }

  connection(name: string): Promise<Connection> {
    if (!this.host.connection) {
      return Promise.reject(new WeirError('connection_not_found', `connection "${name}" not found: this host has no connections`, { node: this.node, status: 404 }));
    }
    return this.host.connection(name);
  }

  model(ref: ModelRef): Promise<LoadedModel> {
    if (!this.host.model) {
      const what = 'deployment' in ref ? `deployment "${ref.deployment}"` : `model "${ref.model}" on connection "${ref.connection}"`;
      return Promise.reject(new WeirError('model_not_found', `${what} not found: models are served by \`weir serve\`, not this host`, { node: this.node, status: 404 }));
    }
    return this.host.model(ref);
  }

  searchIndex(index: string, query: string | number[], opts: IndexQuery): Promise<RetrievedChunk[]> {
    if (!this.host.searchIndex) {
      return Promise.reject(new WeirError('index_not_found', `data index "${index}" not found: data indexes live in \`weir serve\`, not this host`, { node: this.node, status: 404 }));
    }
    return this.host.searchIndex(index, query, opts);
  }

  async runFlow(name: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!this.host.runFlow) throw new WeirError('unknown_flow', `flow "${name}" not found: this host has no flow library`, { node: this.node, status: 404 });
    const { outputs, usage } = await this.host.runFlow(name, inputs, this.signal);
    this.onUsage(usage);
    return outputs;
  }
}

export function addUsage(into: Usage, u: Usage): void {
  if (u.prompt_tokens) into.prompt_tokens = (into.prompt_tokens ?? 0) + u.prompt_tokens;
  if (u.completion_tokens) into.completion_tokens = (into.completion_tokens ?? 0) + u.completion_tokens;
  const total = u.total_tokens ?? (u.prompt_tokens ?? 0) + (u.completion_tokens ?? 0);
  if (total) into.total_tokens = (into.total_tokens ?? 0) + total;
  if (u.cost) into.cost = (into.cost ?? 0) + u.cost;
}
