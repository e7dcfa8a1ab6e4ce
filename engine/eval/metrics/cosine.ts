import { WeirError } from '../../errors.ts';
import { cosine } from '../../models/providers/cosine.ts';

export interface CosineResult {
  score: number | null;
  reason?: string;
}

const allZero = (v: readonly number[]) => v.every((x) => x === 0);

/**
 * Cosine similarity of two vectors, a·b / (|a| |b|), in [-1, 1]. Vectors of different lengths are an
 * error naming `b`; a zero (or empty) vector has no direction, so its similarity is null with the
 * reason rather than the 0 the retrieval helper gives.
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): CosineResult {
  if (a.length !== b.length) {
    throw new WeirError('invalid_node_input', `cosine needs two vectors of the same length; a has ${a.length} numbers, b has ${b.length}`, { path: ['inputs', 'b'] });
  }
  const zero = allZero(a) ? 'a' : allZero(b) ? 'b' : undefined;
  if (zero) return { score: null, reason: `vector ${zero} is all zeros (or empty): it has no direction` };
  // Rounding can push |cos| a hair past 1 for parallel vectors.
  return { score: Math.max(-1, Math.min(1, cosine(a as number[], b as number[]))) };
}
