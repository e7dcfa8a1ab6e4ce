import { squadNormalize } from './text.ts';

/** SQuAD's exact match: 1 when the normalised answer equals the normalised ground truth, else 0. */
export function exactMatch(answer: string, groundTruth: string): { score: number } {
  return { score: squadNormalize(answer) === squadNormalize(groundTruth) ? 1 : 0 };
}
