import { countOf, wordTokens } from './text.ts';

/** NLTK's SmoothingFunction epsilon (method1). */
export const BLEU_EPSILON = 0.1;
const MAX_N = 4;

export interface BleuResult {
  score: number;
  /** Modified n-gram precisions p1..p4, after smoothing. */
  precisions: number[];
  brevity_penalty: number;
  answer_length: number;
  reference_length: number;
}

function ngrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [];
  // \u0000 cannot occur inside a token (tokens are letters and digits), so joined n-grams never collide.
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join('\u0000'));
  return out;
}

/**
 * Sentence BLEU-4 as NLTK's `sentence_bleu(references=[ground_truth], answer)` computes it with its
 * defaults (uniform weights 0.25) and `SmoothingFunction().method1`: modified (clipped) n-gram
 * precisions p1..p4 with denominator max(1, answer n-grams); a precision whose numerator is 0 becomes
 * epsilon / denominator (epsilon = 0.1); no unigram match at all is 0; brevity penalty 1 when the
 * answer is longer than the reference, 0 when the answer is empty, else exp(1 − r / c). Tokens are
 * wordTokens (lower-cased letters and digits; punctuation is not a token), not NLTK's caller-made
 * tokens, so scores match NLTK given those same tokens.
 */
export function bleu(answer: string, groundTruth: string): BleuResult {
  const hyp = wordTokens(answer);
  const ref = wordTokens(groundTruth);
  const c = hyp.length;
  const r = ref.length;
  const numerators: number[] = [];
  const denominators: number[] = [];
  for (let n = 1; n <= MAX_N; n++) {
    const h = ngrams(hyp, n);
    const refCounts = countOf(ngrams(ref, n));
    let clipped = 0;
    for (const [g, k] of countOf(h)) clipped += Math.min(k, refCounts.get(g) ?? 0);
    numerators.push(clipped);
    denominators.push(Math.max(1, h.length));
  }
  const brevity = c > r ? 1 : c === 0 ? 0 : Math.exp(1 - r / c);
  const precisions = numerators.map((k, i) => (k === 0 ? BLEU_EPSILON : k) / denominators[i]);
  const base = { precisions, brevity_penalty: brevity, answer_length: c, reference_length: r };
  if (numerators[0] === 0) return { score: 0, ...base };
  const logMean = precisions.reduce((s, p) => s + Math.log(p), 0) / MAX_N;
  return { score: brevity * Math.exp(logMean), ...base };
}
