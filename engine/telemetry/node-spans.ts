/**
 * Model calls made by a flow's nodes, as children of their node's span. The host that gives nodes
 * their models is shared by every run and is not told which node asks; the node's context is. So
 * each node type's `run` is wrapped (once, when the registry is built): it hands the node a context
 * whose `model()` returns a traced model under the node's span.
 *
 * A sub-flow's nodes have no spans of their own (their run is not a RunService run): their model
 * calls go under the span of the `flow` node that called them, found through AsyncLocalStorage.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';
import type { LoadedModel } from '../models/types.ts';
import type { AnyNodeDefinition, Connection, IndexQuery, LogLevel, ModelRef, NodeContext, RetrievedChunk, Usage } from '../node-definition.ts';
import { NodeRegistry } from '../registry.ts';
import { tracedModel, type ModelSpans } from './model-spans.ts';

/** A node's context, except that its models are traced under `parent`. */
class TracedNodeContext implements NodeContext {
  constructor(
    private readonly inner: NodeContext,
    private readonly parent: Context,
    private readonly spans: ModelSpans,
  ) {}

  get runId(): string {
    return this.inner.runId;
  }
  get node(): string {
    return this.inner.node;
  }
  get attempt(): number {
    return this.inner.attempt;
  }
  get signal(): AbortSignal {
    return this.inner.signal;
  }
  get flowDir(): string | undefined {
    return this.inner.flowDir;
  }
  throwIfAborted(): void {
    this.inner.throwIfAborted();
  }
  log(level: LogLevel, message: string, data?: unknown): void {
    this.inner.log(level, message, data);
  }
  reportUsage(usage: Usage): void {
    this.inner.reportUsage(usage);
  }
  logMetric(name: string, value: number): void {
    this.inner.logMetric(name, value);
  }
  connection(name: string): Promise<Connection> {
    return this.inner.connection(name);
  }
  async model(ref: ModelRef): Promise<LoadedModel> {
    const model = await this.inner.model(ref);
    const requested = 'deployment' in ref ? ref.deployment : ref.model;
    const attributes = 'deployment' in ref ? { 'weir.deployment': ref.deployment } : { 'weir.connection': ref.connection };
    return tracedModel(model, this.spans, { parent: this.parent, requested, attributes });
  }
  searchIndex(index: string, query: string | number[], opts: IndexQuery): Promise<RetrievedChunk[]> {
    return this.inner.searchIndex(index, query, opts);
  }
  runFlow(name: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.inner.runFlow(name, inputs);
  }
}

/**
 * The registry's node types, each `run` given a traced context. `spanOf` finds the span of a
 * running node (undefined when its run has none: then the calling node's, if any, is used).
 */
export function traceNodes(registry: NodeRegistry, spans: ModelSpans, spanOf: (runId: string, node: string) => Context | undefined): NodeRegistry {
  const calling = new AsyncLocalStorage<Context>();
  const wrap = (def: AnyNodeDefinition): AnyNodeDefinition => ({
    ...def,
    run(ctx, inputs, config, prepared) {
      const parent = spanOf(ctx.runId, ctx.node) ?? calling.getStore();
      if (!parent) return def.run(ctx, inputs, config, prepared);
      return calling.run(parent, () => def.run(new TracedNodeContext(ctx, parent, spans), inputs, config, prepared));
    },
  });
  return new NodeRegistry(registry.types().map((type) => wrap(registry.get(type)!.def)));
}
