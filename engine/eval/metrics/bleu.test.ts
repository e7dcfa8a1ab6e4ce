import { describe, expect, test } from 'vitest';
import { bleu } from './bleu.ts';

describe('bleu (sentence BLEU-4, NLTK SmoothingFunction method1, epsilon 0.1)', () => {
  test('hand-worked: same length, no 4-gram match (smoothed)', () => {
    // hyp [the cat sat on the mat], ref [the cat is on the mat]
    // p1 = 5/6 (the×2 clipped to 2, cat, on, mat), p2 = 3/5 (the cat, on the, the mat),
    // p3 = 1/4 (on the mat), p4 = 0/3 → 0.1/3; BP = 1 (c = r = 6)
    // BLEU = (5/6 · 3/5 · 1/4 · 1/30)^(1/4) = (1/240)^(1/4) = 0.254066…
    const r = bleu('The cat sat on the mat.', 'The cat is on the mat.');
    expect(r.precisions[0]).toBeCloseTo(5 / 6, 12);
    expect(r.precisions[1]).toBeCloseTo(3 / 5, 12);
    expect(r.precisions[2]).toBeCloseTo(1 / 4, 12);
    expect(r.precisions[3]).toBeCloseTo(0.1 / 3, 12);
    expect(r.brevity_penalty).toBe(1);
    expect(r.score).toBeCloseTo(240 ** -0.25, 12);
    expect(r.score).toBeCloseTo(0.254066, 6);
  });

  test('hand-worked: a short answer pays the brevity penalty', () => {
    // hyp [the cat] (c = 2), ref [the cat sat on the mat] (r = 6)
    // p1 = 2/2, p2 = 1/1, p3 = p4 = 0.1/max(1, 0) = 0.1; BP = exp(1 − 6/2) = e^−2
    // BLEU = e^−2 · (1 · 1 · 0.1 · 0.1)^(1/4) = 0.135335 · 0.316228 = 0.042797
    const r = bleu('the cat', 'the cat sat on the mat');
    expect(r.brevity_penalty).toBeCloseTo(Math.exp(-2), 12);
    expect(r.score).toBeCloseTo(Math.exp(-2) * 0.01 ** 0.25, 12);
  });

  test('identical texts of 4+ tokens score 1; a longer answer has no brevity penalty', () => {
    expect(bleu('one two three four', 'one two three four').score).toBeCloseTo(1, 12);
    const longer = bleu('one two three four five', 'one two three four');
    expect(longer.brevity_penalty).toBe(1);
    // p1 = 4/5, p2 = 3/4, p3 = 2/3, p4 = 1/2 → (4/5·3/4·2/3·1/2)^(1/4) = (1/5)^(1/4)
    expect(longer.score).toBeCloseTo(0.2 ** 0.25, 12);
  });

  test('no unigram in common is 0; an empty answer is 0 (BP 0); an empty reference is 0', () => {
    expect(bleu('dog', 'cat').score).toBe(0);
    expect(bleu('', 'cat').score).toBe(0);
    expect(bleu('', '').score).toBe(0);
    expect(bleu('cat', '').score).toBe(0);
  });

  test('n-grams do not collide across token boundaries; Unicode words count', () => {
    // [ab c] vs [a bc]: no unigram in common
    expect(bleu('ab c', 'a bc').score).toBe(0);
    expect(bleu('Größe über alles jetzt', 'größe über alles jetzt').score).toBeCloseTo(1, 12);
  });
});
