/**
 * What the rest of Weir sees of OpenTelemetry: an optional `Telemetry`. Without an OTLP endpoint
 * there is none, and callers skip it with one `if` (the SDK and the tracing code are never loaded:
 * everything they need is imported by sdk.ts, which is loaded on demand here).
 */
import type { Plan } from '../flow/compile.ts';
import type { LoadedModel } from '../models/types.ts';
import type { NodeRegistry } from '../registry.ts';
import type { RunListener } from '../run/events.ts';
import type { TelemetryConfig } from './config.ts';

/** What a run's span says of it beyond its events. */
export interface RunSpanMeta {
  flow: string;
  version: number | null;
  deployment: string | null;
  mode: string;
  /** The caller's W3C trace context (a published call's `traceparent` / `tracestate` headers): the run's span continues it. */
  traceparent?: string;
  tracestate?: string;
}

/** A model call served over the OpenAI-style API: which deployment, and the call's request id. */
export interface ServedCall {
  deployment: string;
  id: string;
}

export interface Telemetry {
  /**
   * The listener to give a run: its events become a span for the run and one per node under it;
   * `next` (the run's own listener) still gets every event, first.
   */
  traceRun(runId: string, plan: Plan, meta: RunSpanMeta, next: RunListener | undefined): RunListener;
  /** The same node types, except that the models a node calls make spans under the node's span. */
  traceNodes(registry: NodeRegistry): NodeRegistry;
  /** A model as an OpenAI-style call uses it: a span per call, child of the request's W3C `traceparent`. */
  servedModel(model: LoadedModel, call: ServedCall, headers: Headers): LoadedModel;
  /** Exports every ended span now. */
  flush(): Promise<void>;
  /** Exports what is left and stops; later spans are dropped. */
  shutdown(): Promise<void>;
}

let loaded = false;

/** Whether the OpenTelemetry SDK was loaded in this process (tests check that it is not, when off). */
export function telemetryLoaded(): boolean {
  return loaded;
}

/** Tracing as configured; undefined (nothing loaded) without a config. */
export async function openTelemetry(config: TelemetryConfig | null | undefined): Promise<Telemetry | undefined> {
  if (!config) return undefined;
  loaded = true;
  const { startTracing } = await import('./sdk.ts');
  return startTracing(config);
}
