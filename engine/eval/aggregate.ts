/**
 * What an evaluator's scores over many lines come to: their mean and, at a threshold, the share that
 * pass. Pure, for batch runs and monitors alike. A missing score (null, undefined, NaN — a judge that
 * answered no number, a groundedness check with nothing to check) is counted in `missing` and left out
 * of both the mean and the pass rate, so a broken judge never reads as a low score.
 */
export interface Aggregate {
  /** Mean of the present scores; null when there are none. */
  mean: number | null;
  /** Share of present scores ≥ threshold; null without a threshold or without present scores. */
  pass_rate: number | null;
  /** Present scores. */
  count: number;
  /** Scores that were null, undefined or anything but a finite number. */
  missing: number;
}

export function aggregate(scores: readonly unknown[], threshold?: number): Aggregate {
  let sum = 0;
  let count = 0;
  let passed = 0;
  for (const s of scores) {
    if (typeof s !== 'number' || !Number.isFinite(s)) continue;
    sum += s;
    count++;
    if (threshold !== undefined && s >= threshold) passed++;
  }
  return {
    mean: count ? sum / count : null,
    pass_rate: threshold === undefined || !count ? null : passed / count,
    count,
    missing: scores.length - count,
  };
}
