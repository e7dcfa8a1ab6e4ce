import { describe, expect, test } from 'vitest';
import { WeirError } from '../../errors.ts';
import { lcsLength, MAX_LCS_CELLS, rougeL } from './rouge-l.ts';

describe('rougeL (rouge-score rougeL, beta = 1)', () => {
  test("hand-worked: rouge-score's README example", () => {
    // prediction [the quick brown dog jumps on the log] (8), target [the quick brown fox jumps over the lazy dog] (9)
    // LCS = the quick brown jumps the = 5; P = 5/8 = 0.625, R = 5/9, F = 2PR/(P+R) = 0.588235…
    const r = rougeL('The quick brown dog jumps on the log.', 'The quick brown fox jumps over the lazy dog');
    expect(r.lcs).toBe(5);
    expect(r.precision).toBe(0.625);
    expect(r.recall).toBeCloseTo(5 / 9, 12);
    expect(r.score).toBeCloseTo(10 / 17, 12); // 2·(5/8)(5/9) / (5/8 + 5/9) = (50/72)/(85/72) = 10/17
  });

  test('hand-worked: word order matters (a subsequence, not a bag)', () => {
    // [a b c d] vs [d c b a]: LCS 1; P = R = 1/4; F = 1/4
    expect(rougeL('a b c d', 'd c b a')).toEqual({ score: 0.25, precision: 0.25, recall: 0.25, lcs: 1 });
    // the cat sat on the mat / the cat is on the mat: LCS the cat on the mat = 5 of 6 each side
    expect(rougeL('the cat sat on the mat', 'the cat is on the mat').score).toBeCloseTo(5 / 6, 12);
  });

  test('either side empty is 0, as in rouge-score; Unicode words count', () => {
    expect(rougeL('', '').score).toBe(0);
    expect(rougeL('...', 'cat').score).toBe(0);
    // [東京 は 大きい] vs [東京 は 小さい]: LCS 2 of 3 each side → 2/3
    expect(rougeL('東京 は 大きい', '東京 は 小さい').score).toBeCloseTo(2 / 3, 12);
  });

  test('lcsLength is symmetric', () => {
    const a = 'x a y b z c'.split(' ');
    const b = 'a b c'.split(' ');
    expect(lcsLength(a, b)).toBe(3);
    expect(lcsLength(b, a)).toBe(3);
    expect(lcsLength([], b)).toBe(0);
  });

  test('a comparison past MAX_LCS_CELLS is refused at once, naming the longer input', () => {
    const side = Math.ceil(Math.sqrt(MAX_LCS_CELLS)) + 1;
    const long = 'w '.repeat(side);
    const err = (() => {
      try {
        rougeL(long, long + 'x');
      } catch (e) {
        return e as WeirError;
      }
    })();
    expect(err).toBeInstanceOf(WeirError);
    expect(err).toMatchObject({ code: 'metric_input_too_large', path: ['inputs', 'ground_truth'] });
  });
});
