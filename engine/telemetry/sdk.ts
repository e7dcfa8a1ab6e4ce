/**
 * The OpenTelemetry SDK, set up for one server: a tracer provider of its own (not registered as
 * the process's global one, so two servers in one process, or a host application's own SDK, do not
 * mix), a batch span processor, and the OTLP/HTTP (JSON) trace exporter. Loaded only when tracing
 * is configured (telemetry.ts).
 */
import { defaultTextMapGetter, ROOT_CONTEXT, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TelemetryConfig } from './config.ts';
import { tracedModel, type ModelSpans } from './model-spans.ts';
import { traceNodes } from './node-spans.ts';
import { RunTracer } from './run-spans.ts';
import type { Telemetry } from './telemetry.ts';

const headerGetter: TextMapGetter<Headers> = {
  keys: (h) => [...h.keys()],
  get: (h, key) => h.get(key) ?? undefined,
};

export function startTracing(config: TelemetryConfig): Telemetry {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.url, headers: config.headers }))],
  });
  const tracer = provider.getTracer('weir');
  const spans: ModelSpans = { tracer, captureContent: config.captureContent };
  const runs = new RunTracer(tracer);
  const propagator = new W3CTraceContextPropagator();
  return {
    traceRun: (runId, plan, meta, next) =>
      runs.listener(runId, plan, meta, next, meta.traceparent ? propagator.extract(ROOT_CONTEXT, { traceparent: meta.traceparent, tracestate: meta.tracestate }, defaultTextMapGetter) : ROOT_CONTEXT),
    traceNodes: (registry) => traceNodes(registry, spans, (runId, node) => runs.nodeContext(runId, node)),
    servedModel: (model, call, headers) =>
      tracedModel(model, spans, {
        parent: propagator.extract(ROOT_CONTEXT, headers, headerGetter),
        requested: call.deployment,
        attributes: { 'weir.deployment': call.deployment, 'weir.request.id': call.id },
      }),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
