import { setMaxListeners } from 'node:events';
import { serializeError, WeirError, type SerializedError } from '../../errors.ts';
import type { Plan } from '../../flow/compile.ts';
import { addUsage } from '../../run/node-context.ts';
import { aggregationInputs, metricsOf } from '../../run/aggregation.ts';
import { runFlow } from '../../run/executor.ts';
import type { RunHost } from '../../run/node-context.ts';
import type { Usage } from '../../node-definition.ts';
import { parseColumnMapping, readsEarlierRun, type EarlierLine } from './column-mapping.ts';
import type { DataLine } from './data-lines.ts';
import { notRun, runLine, type LineResult } from './line-run.ts';

export interface BatchProgress {
  total: number;
  done: number;
  succeeded: number;
  failed: number;
}

export interface BatchOptions {
  plan: Plan;
  lines: readonly DataLine[];
  /** input → `${data.col}` / `${run.outputs.x}` / `${run.inputs.x}` / literal; unnamed inputs read their own column. */
  columnMapping?: Record<string, unknown>;
  /** The earlier run an evaluation reads, its lines by number. */
  earlier?: ReadonlyMap<number, EarlierLine>;
  /** Lines run at once (default 4). */
  concurrency?: number;
  nodeConcurrency?: number;
  lineDeadlineMs?: number;
  host?: RunHost;
  /** Aborting it cancels the batch: running lines are cancelled, the rest never start, no aggregation. */
  signal?: AbortSignal;
  /** Lines finished before (a resumed batch): those that succeeded are not run again. */
  done?: ReadonlyMap<number, LineResult>;
  /** Each line as it finishes (in finishing order), with the batch's progress. */
  onLine?: (line: LineResult, progress: BatchProgress) => void;
}

export type BatchStatus = 'completed' | 'failed' | 'cancelled';

export interface BatchSummary {
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  duration_ms: number;
  usage: Usage;
}

export interface BatchResult {
  /** `completed` whatever its lines did; `failed` when the aggregation failed; `cancelled`. */
  status: BatchStatus;
  /** In line order, one per data line. */
  lines: LineResult[];
  metrics: Record<string, number>;
  aggregation?: { status: string; outputs: Record<string, unknown>; error?: SerializedError };
  error?: SerializedError;
  summary: BatchSummary;
}

export const DEFAULT_BATCH_CONCURRENCY = 4;
export const MAX_BATCH_CONCURRENCY = 64;

/**
 * Checks what a batch needs before any line runs: the mapping parses and names real inputs, and an
 * evaluation mapping has its earlier run. Throws WeirError (the batch cannot start).
 */
export function checkBatch(plan: Plan, columnMapping: Record<string, unknown> | undefined, hasEarlier: boolean) {
  const mapping = parseColumnMapping(columnMapping, plan.inputs);
  if (readsEarlierRun(mapping) && !hasEarlier) throw new WeirError('invalid_column_mapping', 'the column mapping reads ${run.…}, but no earlier run was given (--run / run)', { path: ['column_mapping'] });
  return mapping;
}

/**
 * Runs a flow once per data line (prompt flow's batch run): `concurrency` lines at once, each a run of
 * the plan; results keep line order; then the flow's aggregation nodes run once over the lists of what
 * they read from the lines that succeeded, and what they return is the batch's metrics.
 */
export async function runBatch(o: BatchOptions): Promise<BatchResult> {
  const t0 = performance.now();
  const mapping = checkBatch(o.plan, o.columnMapping, o.earlier !== undefined);
  const concurrency = Math.min(MAX_BATCH_CONCURRENCY, Math.max(1, o.concurrency ?? DEFAULT_BATCH_CONCURRENCY));
  // One listener on the caller's signal; each running line (and its nodes) listens on this one.
  const ctl = new AbortController();
  setMaxListeners(concurrency * 4 + 16, ctl.signal);
  const onAbort = () => ctl.abort(o.signal!.reason);
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await runLines(o, mapping, concurrency, ctl.signal, t0);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}

async function runLines(o: BatchOptions, mapping: ReturnType<typeof checkBatch>, concurrency: number, signal: AbortSignal, t0: number): Promise<BatchResult> {
  const total = o.lines.length;
  const results: LineResult[] = new Array(total);
  const progress: BatchProgress = { total, done: 0, succeeded: 0, failed: 0 };
  const todo: number[] = [];
  for (let i = 0; i < total; i++) {
    const prev = o.done?.get(i);
    if (prev?.status === 'succeeded') (results[i] = prev), progress.done++, progress.succeeded++;
    else todo.push(i);
  }
  const lineOpts = { plan: o.plan, mapping, earlier: o.earlier, host: o.host, signal, nodeConcurrency: o.nodeConcurrency, lineDeadlineMs: o.lineDeadlineMs };
  let next = 0;
  const worker = async () => {
    while (next < todo.length && !signal.aborted) {
      const i = todo[next++];
      const r = await runLine(lineOpts, i, o.lines[i]);
      results[i] = r;
      progress.done++;
      if (r.status === 'succeeded') progress.succeeded++;
      else progress.failed++;
      try {
        o.onLine?.(r, { ...progress });
      } catch {
        // A failing listener (a progress bar, a closed stream) must not stop the batch.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  for (const i of todo) results[i] ??= notRun(i);
  const cancelled = signal.aborted;
  const out: BatchResult = { status: cancelled ? 'cancelled' : 'completed', lines: results, metrics: {}, summary: summaryOf(results, t0) };
  if (o.plan.aggregation && !cancelled) await aggregate(o, out, signal);
  out.summary.duration_ms = performance.now() - t0;
  return out;
}

async function aggregate(o: BatchOptions, out: BatchResult, signal: AbortSignal): Promise<void> {
  const stage = o.plan.aggregation!;
  // Prompt flow's rule: the aggregation reads the lines that succeeded; none succeeded, it does not run.
  const ok = out.lines.filter((l) => l.status === 'succeeded' && l.aggregation_inputs);
  if (!ok.length) return;
  try {
    const r = await runFlow(stage.plan, aggregationInputs(stage, ok.map((l) => l.aggregation_inputs!)), { host: o.host, signal, traceValues: false });
    out.aggregation = { status: r.status, outputs: r.outputs, ...(r.error ? { error: r.error } : {}) };
    addUsage(out.summary.usage, r.usage);
    if (r.status === 'succeeded') out.metrics = { ...metricsOf(r.outputs), ...r.metrics };
    else (out.status = r.status === 'cancelled' ? 'cancelled' : 'failed'), (out.error = r.error);
  } catch (err) {
    out.status = 'failed';
    out.error = serializeError(err);
  }
}

export function summaryOf(lines: readonly LineResult[], t0: number): BatchSummary {
  const s: BatchSummary = { total: lines.length, succeeded: 0, failed: 0, cancelled: 0, duration_ms: performance.now() - t0, usage: {} };
  for (const l of lines) {
    s[l.status]++;
    addUsage(s.usage, l.usage);
  }
  return s;
}
