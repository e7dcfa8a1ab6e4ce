/**
 * A run's events as spans: `invoke_workflow <flow>` for the run, `node <name>` under it for each
 * node (one span per node, however many attempts or map items it took). The executor's events come
 * synchronously, as things happen, so spans take their times from the clock when the event arrives.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { Plan } from '../flow/compile.ts';
import type { SerializedError } from '../errors.ts';
import type { RunEvent, RunListener } from '../run/events.ts';
import { ERROR_TYPE, GEN_AI } from './gen-ai.ts';
import type { RunSpanMeta } from './telemetry.ts';

interface NodeSpan {
  span: Span;
  ctx: Context;
  attempts: number;
}

/** The spans of one live run, by node name. */
export interface RunSpans {
  run: Span;
  ctx: Context;
  nodes: Map<string, NodeSpan>;
}

/** Node name → type, once per compiled plan (plans are cached and shared by many runs). */
const typesOf = new WeakMap<Plan, Map<string, string>>();
function nodeType(plan: Plan, node: string): string | undefined {
  let types = typesOf.get(plan);
  if (!types) typesOf.set(plan, (types = new Map(plan.nodes.map((n) => [n.name, n.type]))));
  return types.get(node);
}

function failed(span: Span, error: SerializedError | undefined): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
  if (error) span.setAttribute(ERROR_TYPE, error.code);
}

export class RunTracer {
  /** Live runs' spans, so a node's model calls can find their parent (node-spans.ts). */
  readonly live = new Map<string, RunSpans>();

  constructor(private readonly tracer: Tracer) {}

  /** The context of a running node's span, for the spans of what it calls. */
  nodeContext(runId: string, node: string): Context | undefined {
    return this.live.get(runId)?.nodes.get(node)?.ctx;
  }

  /** `parent`: the context the run's span starts in (the caller's trace, or none). */
  listener(runId: string, plan: Plan, meta: RunSpanMeta, next: RunListener | undefined, parent: Context = ROOT_CONTEXT): RunListener {
    return (e) => {
      next?.(e);
      this.#on(runId, plan, meta, e, parent);
    };
  }

  #on(runId: string, plan: Plan, meta: RunSpanMeta, e: RunEvent, parent: Context): void {
    if (e.type === 'run.started') return this.#started(runId, meta, parent);
    const run = this.live.get(runId);
    if (!run) return;
    switch (e.type) {
      case 'node.started': {
        const n = run.nodes.get(e.node);
        if (n) {
          n.attempts = Math.max(n.attempts, e.attempt);
          n.span.setAttribute('weir.node.attempts', n.attempts);
        } else this.#node(run, plan, e.node, e.attempt);
        return;
      }
      case 'node.retrying':
        run.nodes.get(e.node)?.span.addEvent('retry', { 'weir.node.attempt': e.attempt, [ERROR_TYPE]: e.error.code, 'exception.message': e.error.message });
        return;
      case 'node.finished':
        return this.#endNode(run, e.node, 'succeeded');
      case 'node.failed': {
        const n = run.nodes.get(e.node);
        if (n) {
          failed(n.span, e.error);
          n.span.setAttribute('weir.node.continued', e.continued);
        }
        return this.#endNode(run, e.node, 'failed');
      }
      case 'node.skipped': {
        const n = this.#node(run, plan, e.node, 0);
        n.span.setAttribute('weir.node.skip_reason', e.reason);
        return this.#endNode(run, e.node, 'skipped');
      }
      case 'run.finished': {
        // Nodes still open were stopped with the run (cancelled, timed out, a sibling failed).
        for (const name of [...run.nodes.keys()]) this.#endNode(run, name, 'cancelled');
        const s = run.run;
        s.setAttribute('weir.run.status', e.status);
        if (e.usage.prompt_tokens !== undefined) s.setAttribute(GEN_AI.inputTokens, e.usage.prompt_tokens);
        if (e.usage.completion_tokens !== undefined) s.setAttribute(GEN_AI.outputTokens, e.usage.completion_tokens);
        if (e.status === 'failed') failed(s, e.error);
        else if (e.status === 'cancelled' && e.error) s.setAttribute(ERROR_TYPE, e.error.code);
        s.end();
        this.live.delete(runId);
        return;
      }
    }
  }

  #started(runId: string, meta: RunSpanMeta, parent: Context): void {
    const attributes: Record<string, string | number> = {
      [GEN_AI.operation]: 'invoke_workflow',
      [GEN_AI.workflow]: meta.flow,
      'weir.run.id': runId,
      'weir.flow': meta.flow,
      'weir.run.mode': meta.mode,
    };
    if (meta.version !== null) attributes['weir.flow.version'] = meta.version;
    if (meta.deployment !== null) attributes['weir.deployment'] = meta.deployment;
    const run = this.tracer.startSpan(`invoke_workflow ${meta.flow}`, { kind: SpanKind.INTERNAL, attributes }, parent);
    this.live.set(runId, { run, ctx: trace.setSpan(parent, run), nodes: new Map() });
  }

  #node(run: RunSpans, plan: Plan, name: string, attempt: number): NodeSpan {
    const type = nodeType(plan, name);
    const attributes: Record<string, string | number> = { 'weir.node.name': name, 'weir.node.attempts': attempt };
    if (type) attributes['weir.node.type'] = type;
    const span = this.tracer.startSpan(`node ${name}`, { kind: SpanKind.INTERNAL, attributes }, run.ctx);
    const n = { span, ctx: trace.setSpan(run.ctx, span), attempts: attempt };
    run.nodes.set(name, n);
    return n;
  }

  #endNode(run: RunSpans, name: string, status: string): void {
    const n = run.nodes.get(name);
    if (!n) return;
    n.span.setAttribute('weir.node.status', status);
    n.span.end();
    run.nodes.delete(name);
  }
}
