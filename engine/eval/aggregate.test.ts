import { describe, expect, test } from 'vitest';
import { aggregate } from './aggregate.ts';

describe('aggregate', () => {
  test('hand-worked: mean and pass rate over present scores; missing ones counted apart', () => {
    // present 1, 0.5, 0 → mean 1.5/3 = 0.5; ≥ 0.5: 1 and 0.5 → 2/3; one null → missing 1
    expect(aggregate([1, 0.5, null, 0], 0.5)).toEqual({ mean: 0.5, pass_rate: 2 / 3, count: 3, missing: 1 });
  });

  test('1–5 judge scores at threshold 4', () => {
    // 5, 4, 2, 3 → mean 3.5; ≥ 4: 2 of 4
    expect(aggregate([5, 4, 2, 3, undefined], 4)).toEqual({ mean: 3.5, pass_rate: 0.5, count: 4, missing: 1 });
  });

  test('no threshold: no pass rate; no scores: nulls, not NaN', () => {
    expect(aggregate([0.2, 0.4])).toEqual({ mean: expect.closeTo(0.3, 12), pass_rate: null, count: 2, missing: 0 });
    expect(aggregate([], 0.5)).toEqual({ mean: null, pass_rate: null, count: 0, missing: 0 });
    expect(aggregate([null, null], 0.5)).toEqual({ mean: null, pass_rate: null, count: 0, missing: 2 });
  });

  test('NaN and infinities are missing, never poison the mean', () => {
    expect(aggregate([1, Number.NaN, Number.POSITIVE_INFINITY, 0], 1)).toEqual({ mean: 0.5, pass_rate: 0.5, count: 2, missing: 2 });
  });
});
