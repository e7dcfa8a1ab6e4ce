/** Batch runs as the API shows them (snake_case), and two runs compared. */
import type { BatchLineRow, BatchRunRow } from '../../store/types.ts';

export function batchJson(r: BatchRunRow): Record<string, unknown> {
  const done = r.succeeded + r.failed;
  return {
    id: r.id, flow: r.flow, version: r.version, status: r.status,
    progress: { done, total: r.total, fraction: r.total ? done / r.total : 1 },
    summary: { total: r.total, succeeded: r.succeeded, failed: r.failed, duration_ms: r.durationMs, usage: r.usage },
    metrics: r.metrics, aggregation: r.aggregation, error: r.error,
    column_mapping: r.columnMapping, run: r.earlierRun, concurrency: r.concurrency,
    created_at: new Date(r.createdAt).toISOString(),
    started_at: r.startedAt === null ? null : new Date(r.startedAt).toISOString(),
    finished_at: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
  };
}

export function lineJson(l: BatchLineRow): Record<string, unknown> {
  const data = l.data as { ok?: boolean; value?: unknown } | null;
  return {
    line_number: l.lineNumber, status: l.status, data: data?.ok ? data.value : null, inputs: l.inputs, outputs: l.outputs, error: l.error,
    duration_ms: l.durationMs, usage: l.usage,
  };
}

/** Metrics side by side with their deltas (b − a), and lines paired by number with both outputs. */
export function compareJson(a: BatchRunRow, b: BatchRunRow, linesA: BatchLineRow[], linesB: BatchLineRow[]): Record<string, unknown> {
  const names = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])];
  const metrics = Object.fromEntries(
    names.map((m) => {
      const x = a.metrics[m] ?? null;
      const y = b.metrics[m] ?? null;
      return [m, { a: x, b: y, delta: x === null || y === null ? null : y - x }];
    }),
  );
  const byNumber = new Map(linesB.map((l) => [l.lineNumber, l]));
  const side = (l: BatchLineRow | undefined) => (l ? { status: l.status, outputs: l.outputs, error: l.error } : null);
  const numbers = [...new Set([...linesA.map((l) => l.lineNumber), ...linesB.map((l) => l.lineNumber)])].sort((x, y) => x - y);
  const byA = new Map(linesA.map((l) => [l.lineNumber, l]));
  return {
    a: batchJson(a),
    b: batchJson(b),
    metrics,
    summary: { a: { succeeded: a.succeeded, failed: a.failed, total: a.total }, b: { succeeded: b.succeeded, failed: b.failed, total: b.total } },
    lines: numbers.map((n) => ({ line_number: n, a: side(byA.get(n)), b: side(byNumber.get(n)) })),
  };
}
