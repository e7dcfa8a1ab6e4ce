import { serializeError, type SerializedError } from '../../errors.ts';
import type { Plan } from '../../flow/compile.ts';
import type { Usage } from '../../node-definition.ts';
import { startRun } from '../../run/executor.ts';
import type { RunHost } from '../../run/node-context.ts';
import { mapLine, type ColumnMapping, type EarlierLine } from './column-mapping.ts';
import type { DataLine } from './data-lines.ts';

export type LineStatus = 'succeeded' | 'failed' | 'cancelled';

/** One line of a batch, as it is stored, answered and written to `--output` (snake_case, prompt flow's names). */
export interface LineResult {
  line_number: number;
  status: LineStatus;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  error?: SerializedError;
  duration_ms: number;
  usage: Usage;
  /** A flow with aggregation nodes: what they read from this line, kept so a resumed batch can aggregate. */
  aggregation_inputs?: unknown[];
}

export interface LineRunOptions {
  plan: Plan;
  mapping: ColumnMapping;
  /** The earlier run's lines by number, when the batch evaluates one. */
  earlier?: ReadonlyMap<number, EarlierLine>;
  host?: RunHost;
  signal?: AbortSignal;
  /** Most nodes at once within one line. */
  nodeConcurrency?: number;
  /** A line that runs longer fails with run_deadline_exceeded (the others go on). */
  lineDeadlineMs?: number;
}

const failed = (n: number, inputs: Record<string, unknown>, error: SerializedError, ms = 0): LineResult => ({ line_number: n, status: 'failed', inputs, outputs: {}, error, duration_ms: ms, usage: {} });

/**
 * Runs one line as a run of the plan (the executor, not recorded as a run of its own: the batch's
 * line row is its record). Whatever is wrong with the line (its data, its mapping, its inputs, a node)
 * fails this line only.
 */
export async function runLine(o: LineRunOptions, n: number, line: DataLine): Promise<LineResult> {
  if (!line.ok) return failed(n, {}, { ...line.error, message: `line ${n}: ${line.error.message}` });
  let inputs: Record<string, unknown>;
  try {
    inputs = mapLine(o.mapping, n, line.value, o.earlier?.get(n), o.earlier !== undefined);
  } catch (err) {
    return failed(n, {}, serializeError(err));
  }
  const t0 = performance.now();
  try {
    const r = await startRun(o.plan, inputs, { host: o.host, signal: o.signal, aggregate: false, traceValues: false, concurrency: o.nodeConcurrency, deadlineMs: o.lineDeadlineMs }).done;
    const out: LineResult = { line_number: n, status: r.status === 'cancelled' ? 'cancelled' : r.status === 'succeeded' ? 'succeeded' : 'failed', inputs, outputs: r.outputs, duration_ms: r.durationMs, usage: r.usage };
    if (r.error) out.error = r.error;
    if (r.aggregationInputs) out.aggregation_inputs = r.aggregationInputs;
    return out;
  } catch (err) {
    // The inputs do not fit the flow (checked before anything runs).
    const e = serializeError(err);
    return failed(n, inputs, { ...e, message: `line ${n}: ${e.message}` }, performance.now() - t0);
  }
}

/** A line that never ran: the batch was cancelled first. */
export function notRun(n: number): LineResult {
  return { line_number: n, status: 'cancelled', inputs: {}, outputs: {}, error: { code: 'run_cancelled', message: 'the batch was cancelled before this line ran' }, duration_ms: 0, usage: {} };
}
