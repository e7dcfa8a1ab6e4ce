import { overlapCount, squadTokens } from './text.ts';

export interface F1Result {
  score: number;
  precision: number;
  recall: number;
}

/**
 * SQuAD's token F1 (official evaluate script, v2.0 `compute_f1`): tokens of the normalised answer and
 * ground truth, their multiset overlap, precision = overlap / answer tokens, recall = overlap /
 * ground-truth tokens, F1 = 2PR / (P + R). Empty cases as in v2.0: both empty is 1 (nothing to find,
 * nothing said), one empty is 0, no overlap is 0.
 */
export function f1Score(answer: string, groundTruth: string): F1Result {
  const pred = squadTokens(answer);
  const gold = squadTokens(groundTruth);
  if (pred.length === 0 || gold.length === 0) {
    const same = pred.length === gold.length ? 1 : 0;
    return { score: same, precision: same, recall: same };
  }
  const common = overlapCount(pred, gold);
  if (common === 0) return { score: 0, precision: 0, recall: 0 };
  const precision = common / pred.length;
  const recall = common / gold.length;
  return { score: (2 * precision * recall) / (precision + recall), precision, recall };
}
