import type { StoredCall } from '../../store/types.ts';

export interface Spread {
  mean: number;
  p50: number;
  p95: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((n, v) => n + v, 0) / sorted.length : 0;
  return { mean: Math.round(mean * 100) / 100, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** Tokens in and out per call (answered calls only: refused ones used none), as Azure's monitoring shows them. */
export function tokenStats(calls: StoredCall[]): { calls: number; input_tokens: Spread; output_tokens: Spread } {
  const answered = calls.filter((c) => c.status === 200);
  return { calls: answered.length, input_tokens: spread(answered.map((c) => c.promptTokens)), output_tokens: spread(answered.map((c) => c.completionTokens)) };
}
