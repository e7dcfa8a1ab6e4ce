import { describe, expect, it } from 'vitest';
import { bruteForceSearch } from './vector-ranking.ts';

/** Cases around the mutants Stryker left alive in vector-ranking.ts (see README, Mutation testing). */
describe('exact search edges', () => {
  it('scores a zero vector, or any vector against a zero query, 0 instead of NaN', () => {
    const r = bruteForceSearch([[0, 0], [1, 0]], [1, 2], [1, 0], 2);
    expect(r).toEqual([{ id: 2, score: 1 }, { id: 1, score: 0 }]);
    const zeroQuery = bruteForceSearch([[1, 0], [0, 1]], [1, 2], [0, 0], 2);
    expect(zeroQuery.map((x) => x.score)).toEqual([0, 0]);
    expect(zeroQuery.every((x) => !Number.isNaN(x.score))).toBe(true);
  });

  it('orders equal scores by id, whatever order the vectors come in, and keeps the best k', () => {
    const vectors = [[1, 0], [2, 0], [1, 0], [0, 1], [3, 0]];
    expect(bruteForceSearch(vectors, [30, 10, 20, 5, 40], [1, 0], 3).map((x) => x.id)).toEqual([10, 20, 30]);
    expect(bruteForceSearch(vectors.slice().reverse(), [40, 5, 20, 10, 30], [1, 0], 3).map((x) => x.id)).toEqual([10, 20, 30]);
    // A worse score never displaces a better one, even with a lower id.
    expect(bruteForceSearch([[1, 0], [0, 1]], [9, 1], [1, 0], 1)).toEqual([{ id: 9, score: 1 }]);
  });
});
