import type { SerializedError } from '../errors.ts';
import type { Usage } from '../node-definition.ts';
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
  } catch {
    text = String(v);
  }
  if (text.length <= max) return typeof v === 'string' ? v : JSON.parse(text);
  const out: TruncatedValue = { truncated: true, chars: text.length, preview: text.slice(0, Math.min(200, max)) };
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
    return out;
  });
}
