import type { RunResult } from '../run/executor.ts';
import { serializeLogs, traceValue } from '../run/trace.ts';
import type { NodeTraceRow, RunRow } from '../store/types.ts';

/** Longest JSON text kept per traced value; larger values are stored as a size note. */
export const MAX_TRACE_VALUE_CHARS = 16_384;
/**
 * Longest message or data text kept per stored log line: a node keeps up to 200 lines, and a chatty
 * one must not store megabytes per run (the llm node's own lines are previews well under this).
 */
export const MAX_LOG_VALUE_CHARS = 4_096;

export interface RunMeta {
  flow: string;
  version: number | null;
  deployment: string | null;
  mode: RunRow['mode'];
}

export function runningRow(id: string, meta: RunMeta, inputs: unknown, startedAt = Date.now()): RunRow {
  return { id, ...meta, status: 'running', inputs, outputs: null, error: null, usage: null, startedAt, endedAt: null, durationMs: null };
}

/** A run that ends without having run to its end here (cancelled in the queue, interrupted, failed by its job). */
export function endedRow(row: RunRow, status: RunRow['status'], error: { code: string; message: string }, now = Date.now()): RunRow {
  return { ...row, status, error, outputs: null, endedAt: now, durationMs: Math.max(0, now - row.startedAt) };
}

export function finishedRow(r: RunResult, meta: RunMeta, inputs: unknown): RunRow {
  return {
    id: r.runId, ...meta, status: r.status, inputs,
    outputs: r.status === 'succeeded' ? r.outputs : null,
    error: r.error ?? null,
    usage: r.usage,
    startedAt: r.startedAt,
    endedAt: r.startedAt + Math.round(r.durationMs),
    durationMs: Math.round(r.durationMs * 1000) / 1000,
  };
}

export function traceRows(r: RunResult): NodeTraceRow[] {
  return r.trace.map((t, idx) => ({
    runId: r.runId, idx, node: t.node, type: t.type, status: t.status,
    startMs: t.startMs ?? null, endMs: t.endMs ?? null, attempts: t.attempts,
    inputs: t.inputs === undefined ? null : traceValue(t.inputs, MAX_TRACE_VALUE_CHARS),
    output: t.output === undefined ? null : traceValue(t.output, MAX_TRACE_VALUE_CHARS),
    error: t.error ?? null, skipReason: t.skipReason ?? null, usage: t.usage ?? null,
    logs: t.logs ? serializeLogs(t, MAX_LOG_VALUE_CHARS) : null,
  }));
}

/** A run as the API shows it: snake_case, with its trace when asked. */
export function runJson(run: RunRow, trace?: NodeTraceRow[]): Record<string, unknown> {
  return {
    id: run.id, flow: run.flow, version: run.version, deployment: run.deployment, mode: run.mode, status: run.status,
    inputs: run.inputs, outputs: run.outputs, error: run.error, usage: run.usage,
    started_at: new Date(run.startedAt).toISOString(), ended_at: run.endedAt ? new Date(run.endedAt).toISOString() : null, duration_ms: run.durationMs,
    ...(trace ? { trace: trace.map((t) => ({ node: t.node, type: t.type, status: t.status, start_ms: t.startMs, end_ms: t.endMs, attempts: t.attempts, inputs: t.inputs, output: t.output, error: t.error, skip_reason: t.skipReason, usage: t.usage, logs: t.logs ?? null })) } : {}),
  };
}
