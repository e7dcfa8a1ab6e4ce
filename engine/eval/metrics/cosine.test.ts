import { describe, expect, test } from 'vitest';
import { cosineSimilarity } from './cosine.ts';

describe('cosineSimilarity', () => {
  test.each([
    [[1, 0], [0, 1], 0],
    [[1, 2, 3], [2, 4, 6], 1],
    [[1, 0], [-1, 0], -1],
    // 3·4 + 4·3 = 24; |a| = |b| = 5 → 24/25
    [[3, 4], [4, 3], 0.96],
  ])('%j · %j → %d', (a, b, expected) => expect(cosineSimilarity(a, b).score).toBeCloseTo(expected, 12));

  test('a zero or empty vector has no direction: null with the reason', () => {
    expect(cosineSimilarity([0, 0], [1, 2])).toEqual({ score: null, reason: expect.stringContaining('vector a') });
    expect(cosineSimilarity([], []).score).toBeNull();
  });

  test('vectors of different lengths are an error naming b', () => {
    expect(() => cosineSimilarity([1, 2], [1])).toThrow(expect.objectContaining({ code: 'invalid_node_input', path: ['inputs', 'b'] }));
  });
});
