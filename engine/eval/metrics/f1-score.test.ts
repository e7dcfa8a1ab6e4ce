import { describe, expect, test } from 'vitest';
import { exactMatch } from './exact-match.ts';
import { f1Score } from './f1-score.ts';

describe('f1Score (SQuAD token F1)', () => {
  test('hand-worked: one token differs', () => {
    // "cat sat on mat" vs "cat is on mat" (articles and "." gone): common {cat, on, mat} = 3
    // P = 3/4, R = 3/4, F1 = 2·(9/16)/(3/2) = 0.75
    expect(f1Score('The cat sat on the mat.', 'A cat is on the mat')).toEqual({ score: 0.75, precision: 0.75, recall: 0.75 });
  });

  test('hand-worked: a shorter answer, precision 1, recall 1/2', () => {
    // [paris] vs [paris, france]: common 1; P = 1, R = 1/2; F1 = 2·(1/2)/(3/2) = 2/3
    const r = f1Score('Paris', 'Paris, France');
    expect(r.precision).toBe(1);
    expect(r.recall).toBe(0.5);
    expect(r.score).toBeCloseTo(2 / 3, 12);
  });

  test('hand-worked: repeated tokens count as a multiset (Counter &)', () => {
    // [cat, cat, cat] vs [cat]: common min(3, 1) = 1; P = 1/3, R = 1; F1 = 2·(1/3)/(4/3) = 1/2
    expect(f1Score('the cat cat cat', 'cat').score).toBeCloseTo(0.5, 12);
  });

  test('empty cases as SQuAD v2.0: both empty 1, one empty 0; no overlap 0', () => {
    expect(f1Score('', '').score).toBe(1);
    // "the" normalises to nothing: both sides empty.
    expect(f1Score('The.', '').score).toBe(1);
    expect(f1Score('', 'cat').score).toBe(0);
    expect(f1Score('cat', '').score).toBe(0);
    expect(f1Score('dog', 'cat')).toEqual({ score: 0, precision: 0, recall: 0 });
  });

  test('Unicode: accents and case in other scripts compare as SQuAD does', () => {
    expect(f1Score('Ça va?', 'ça va').score).toBe(1);
    // Curly apostrophe is not ASCII punctuation: "don’t" ≠ "dont" → 0 of 1.
    expect(f1Score('don’t', "don't").score).toBe(0);
  });
});

describe('exactMatch (SQuAD, same normalisation)', () => {
  test.each([
    ['The Eiffel Tower!', 'eiffel   tower', 1],
    ['Eiffel Tower', 'Eiffel towers', 0],
    ['', '', 1],
    ['an', 'the', 1],
    ['1,000', '1000', 1],
  ])('%j vs %j → %i', (a, g, expected) => expect(exactMatch(a, g).score).toBe(expected));
});
