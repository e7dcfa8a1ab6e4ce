import { WeirError } from '../../errors.ts';
import { wordTokens } from './text.ts';

/**
 * The LCS table of two texts has answer × ground-truth cells; past this many the comparison is
 * refused (metric_input_too_large) instead of holding the event loop. 16M cells (4 000 tokens on
 * each side) take about 0.1 s here; an answer and a reference of a few hundred words take well
 * under a millisecond.
 */
export const MAX_LCS_CELLS = 16_000_000;

export interface RougeLResult {
  score: number;
  precision: number;
  recall: number;
  lcs: number;
}

/** Length of the longest common subsequence, in two rows of the table (O(min) memory). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  let prev = new Int32Array(short.length + 1);
  let cur = new Int32Array(short.length + 1);
  for (let i = 1; i <= long.length; i++) {
    const x = long[i - 1];
    for (let j = 1; j <= short.length; j++) {
      cur[j] = x === short[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[short.length];
}

/**
 * ROUGE-L as the `rouge-score` package computes `rougeL` (`_score_lcs`), with its default
 * tokenizer made Unicode-aware (see text.ts) and no stemming: P = LCS / answer tokens,
 * R = LCS / ground-truth tokens, score = F1 (beta = 1) = 2PR / (P + R). Either side empty is 0,
 * as in rouge-score.
 */
export function rougeL(answer: string, groundTruth: string): RougeLResult {
  const pred = wordTokens(answer);
  const gold = wordTokens(groundTruth);
  if (pred.length === 0 || gold.length === 0) return { score: 0, precision: 0, recall: 0, lcs: 0 };
  if (pred.length * gold.length > MAX_LCS_CELLS) {
    throw new WeirError(
      'metric_input_too_large',
      `rouge_l compares at most ${MAX_LCS_CELLS.toLocaleString('en')} token pairs; answer (${pred.length} tokens) × ground_truth (${gold.length} tokens) is ${(pred.length * gold.length).toLocaleString('en')}`,
      { path: ['inputs', pred.length >= gold.length ? 'answer' : 'ground_truth'] },
    );
  }
  const lcs = lcsLength(pred, gold);
  if (lcs === 0) return { score: 0, precision: 0, recall: 0, lcs };
  const precision = lcs / pred.length;
  const recall = lcs / gold.length;
  return { score: (2 * precision * recall) / (precision + recall), precision, recall, lcs };
}
