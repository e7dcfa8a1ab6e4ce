import type { SerializedError } from '../errors.ts';
import type { LogLevel, Usage } from '../node-definition.ts';
import type { NodeStatus } from './events.ts';

/** What a run remembers about one node. Values are kept as they are; serializing truncates them. */
export interface NodeTrace {
  node: string;
  type: string;
  status: NodeStatus;
  /** Milliseconds since the run started. */
  startMs?: number;
  endMs?: number;
  attempts: number;
  inputs?: unknown;
  output?: unknown;
  error?: SerializedError;
  skipReason?: string;
  usage?: Usage;
  /** For a mapped node: how many items it ran over. */
  items?: number;
  /** What the node said with `ctx.log`, in order, at most MAX_NODE_LOGS lines; absent when it said nothing. */
  logs?: NodeLog[];
  /** Lines past MAX_NODE_LOGS, counted rather than kept: a node logging in a loop must not grow its run without bound. */
  droppedLogs?: number;
}

export interface NodeLog {
  level: LogLevel;
  message: string;
  /** Left out of runs that keep no values (`traceValues: false`): a log's data can hold them. */
  data?: unknown;
  /** Milliseconds since the run started. */
  atMs: number;
  /** Set from the second attempt on, so a retried node's lines can be told apart. */
  attempt?: number;
}

/** Lines kept per node in one run; more are counted in `droppedLogs`. */
export const MAX_NODE_LOGS = 200;

/** Adds one log line to a node's trace, within the bound. */
export function addNodeLog(tr: NodeTrace, line: NodeLog): void {
  const logs = (tr.logs ??= []);
  if (logs.length < MAX_NODE_LOGS) logs.push(line);
  else tr.droppedLogs = (tr.droppedLogs ?? 0) + 1;
}

export interface TraceOptions {
  /** Longest JSON text kept for one value; longer values are replaced by a note of their size. */
  maxValueChars?: number;
}

export interface TruncatedValue {
  truncated: true;
  /** Size of the whole value as JSON text. */
  chars: number;
  preview: string;
}

/** A value fit for storing or sending: JSON-safe, and cut down when it is too large. */
export function traceValue(v: unknown, max: number): unknown {
  if (v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean') return v ?? null;
  if (typeof v === 'string' && v.length <= max) return v;
  let text: string;
  try {
    text = JSON.stringify(v) ?? 'null';
  } catch (err) {
    // A BigInt or a cycle (a node may log any object): a note, as the store keeps one, not a failed response.
    return { unserializable: err instanceof Error ? err.message : String(err) };
  }
  if (text.length <= max) return typeof v === 'string' ? v : JSON.parse(text);
  const out: TruncatedValue = { truncated: true, chars: text.length, preview: text.slice(0, Math.min(200, max)) };
  return out;
}

/**
 * A node's log lines as plain JSON: data cut down as values are, a message longer than `max` cut
 * with its size noted, and one last warning line saying how many lines were dropped.
 */
export function serializeLogs(t: Pick<NodeTrace, 'logs' | 'droppedLogs' | 'endMs'>, max: number): object[] {
  const out: object[] = [];
  for (const l of t.logs ?? []) {
    const message = l.message.length <= max ? l.message : `${l.message.slice(0, max)}… (${l.message.length} characters in all)`;
    const line: Record<string, unknown> = { level: l.level, message, at_ms: Math.round(l.atMs * 1000) / 1000 };
    if (l.attempt !== undefined) line.attempt = l.attempt;
    if (l.data !== undefined) line.data = traceValue(l.data, max);
    out.push(line);
  }
  if (t.droppedLogs) {
    const last = t.logs?.[t.logs.length - 1]?.atMs ?? 0;
    out.push({ level: 'warn', message: `${t.droppedLogs} more log lines were dropped: a node keeps at most ${MAX_NODE_LOGS} in its trace`, at_ms: Math.round((t.endMs ?? last) * 1000) / 1000, dropped: t.droppedLogs });
  }
  return out;
}

/** The trace as plain JSON with large inputs and outputs truncated and their size noted. */
export function serializeTrace(trace: readonly NodeTrace[], opts: TraceOptions = {}): object[] {
  const max = opts.maxValueChars ?? 16_384;
  return trace.map((t) => {
    const out: Record<string, unknown> = { node: t.node, type: t.type, status: t.status, attempts: t.attempts };
    if (t.startMs !== undefined) out.start_ms = Math.round(t.startMs * 1000) / 1000;
    if (t.endMs !== undefined) out.end_ms = Math.round(t.endMs * 1000) / 1000;
    if (t.startMs !== undefined && t.endMs !== undefined) out.duration_ms = Math.round((t.endMs - t.startMs) * 1000) / 1000;
    if (t.inputs !== undefined) out.inputs = traceValue(t.inputs, max);
    if (t.output !== undefined) out.output = traceValue(t.output, max);
    if (t.error) out.error = t.error;
    if (t.skipReason) out.skip_reason = t.skipReason;
    if (t.usage) out.usage = t.usage;
    if (t.items !== undefined) out.items = t.items;
    if (t.logs) out.logs = serializeLogs(t, max);
    return out;
  });
}
