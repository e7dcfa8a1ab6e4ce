import type { ApiErrorBody, NodeRunStatus, RunDetail, TraceEntry } from '../api/types.ts';
import type { NodeRun, RunView } from '../flow/run-state.ts';

/**
 * A trace row as GET /api/runs/{id} really sends it: stored columns come back as null rather than
 * missing, and the skip reason is `skip_reason` (the shared type calls it `reason`).
 */
export type TraceRow = Omit<TraceEntry, 'start_ms' | 'end_ms' | 'duration_ms' | 'usage'> & {
  start_ms?: number | null;
  end_ms?: number | null;
  duration_ms?: number | null;
  usage?: Record<string, number> | null;
  skip_reason?: string | null;
  items?: number;
  logs?: TraceLog[] | null;
};

/** One line a node logged (`ctx.log`), as engine/run/trace.ts serializes it; the last may count dropped lines. */
export interface TraceLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** Milliseconds since the run started. */
  at_ms: number;
  /** Left out when the run keeps no values. */
  data?: unknown;
  /** From a retried node's second attempt on. */
  attempt?: number;
  /** On the closing line of a node that logged more than its trace keeps. */
  dropped?: number;
}

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/** A node's log lines, leaving out anything that is not one (a trace is data from a run, not trusted). */
export function logsOf(t: TraceRow | undefined): TraceLog[] {
  if (!t || !Array.isArray(t.logs)) return [];
  return t.logs.filter((l): l is TraceLog => typeof l === 'object' && l !== null && LEVELS.has(l.level) && typeof l.message === 'string' && typeof l.at_ms === 'number');
}

/** A value the server cut down because it was too large to keep whole (engine/run/trace.ts). */
export interface TruncatedValue {
  truncated: true;
  chars: number;
  preview: string;
}

export function isTruncated(v: unknown): v is TruncatedValue {
  return typeof v === 'object' && v !== null && (v as TruncatedValue).truncated === true && typeof (v as TruncatedValue).preview === 'string';
}

export function traceRows(detail: RunDetail): TraceRow[] {
  return (detail.trace ?? []) as TraceRow[];
}

export function findTrace(detail: RunDetail | undefined, node: string): TraceRow | undefined {
  return detail ? traceRows(detail).find((t) => t.node === node) : undefined;
}

export function durationOf(t: TraceRow): number | undefined {
  if (t.duration_ms != null) return t.duration_ms;
  return t.start_ms != null && t.end_ms != null ? t.end_ms - t.start_ms : undefined;
}

function nodeStatus(status: TraceEntry['status'], runOver: boolean): NodeRunStatus {
  // A finished run's nodes that never started did not run, and one still "running" was cut short:
  // the same reading applyRunEvent gives at run.finished, so a reopened run looks as it did live.
  if (status === 'pending') return runOver ? 'skipped' : 'queued';
  if (status === 'running' && runOver) return 'cancelled';
  return status;
}

// Kept whole: the node and path an error carries show in the panels beside its code and message.
const errorOf = (e: ApiErrorBody | null | undefined) => e ?? undefined;

/** The canvas's view of a recorded run, so a past run colours the nodes as the live one did. */
export function runViewFromTrace(detail: RunDetail): RunView {
  const over = detail.status !== 'running';
  const nodes: Record<string, NodeRun> = {};
  for (const t of traceRows(detail)) {
    const n: NodeRun = { status: nodeStatus(t.status, over), attempt: t.attempts ?? 0 };
    const ms = durationOf(t);
    if (ms !== undefined) n.ms = ms;
    const error = errorOf(t.error);
    if (error) n.error = error;
    const reason = t.skip_reason;
    if (reason) n.reason = reason;
    nodes[t.node] = n;
  }
  const view: RunView = { id: detail.id, status: detail.status, nodes, outputs: detail.outputs ?? {} };
  const error = errorOf(detail.error);
  if (error) view.error = error;
  if (detail.usage) view.usage = detail.usage;
  if (detail.duration_ms != null) view.ms = detail.duration_ms;
  return view;
}
