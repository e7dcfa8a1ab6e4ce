import type { AggregationStage } from '../flow/compile.ts';

/**
 * The inputs of a flow's aggregation stage: for each value its nodes read from a line (a flow input,
 * a line node's output), the list of that value over the lines, in line order. `lines[k]` is what
 * line k read (`RunResult.aggregationInputs`); only lines that succeeded are given (prompt flow's rule).
 */
export function aggregationInputs(stage: AggregationStage, lines: readonly (readonly unknown[])[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  stage.keys.forEach((key, i) => {
    out[key] = lines.map((l) => l[i] ?? null);
  });
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A run's metrics (prompt flow's `log_metric`): what its aggregation nodes return. A node that returns
 * a number gives the metric named after the node; one that returns an object gives each of its fields
 * that is a finite number, by the field's name (a later node's field of the same name wins). Other
 * values are kept in the aggregation's outputs but are not metrics.
 */
export function metricsOf(outputs: Record<string, unknown>): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [node, v] of Object.entries(outputs)) {
    if (typeof v === 'number' && Number.isFinite(v)) metrics[node] = v;
    else if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) if (typeof x === 'number' && Number.isFinite(x)) metrics[k] = x;
    }
  }
  return metrics;
}
