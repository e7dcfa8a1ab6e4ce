import { describe, expect, test } from 'vitest';
import { squadNormalize, squadTokens, wordTokens } from './text.ts';

describe('squadNormalize (SQuAD evaluate script, normalize_answer)', () => {
  test.each([
    // lower → drop ASCII punctuation → drop whole-word articles → collapse whitespace
    ['The Cat sat on THE mat.', 'cat sat on mat'],
    ['An apple, a day!', 'apple day'],
    ["Don't  stop", 'dont stop'],
    // Articles only as whole words: "theatre", "another", "banana" keep theirs.
    ['theatre another banana', 'theatre another banana'],
    // Punctuation goes before articles are looked for: "the-end" → "theend" (one word, kept).
    ['the-end', 'theend'],
    ['', ''],
    ['  the  a an  ', ''],
  ])('%j → %j', (input, expected) => expect(squadNormalize(input)).toBe(expected));

  test('word boundaries are Unicode-aware, as Python 3 re is: "éthe" keeps its "the"; "é the" loses it', () => {
    expect(squadNormalize('éthe')).toBe('éthe');
    expect(squadNormalize('é the x')).toBe('é x');
    expect(squadNormalize('the_x')).toBe('the_x'.replace('_', '')); // "_" is punctuation: removed first → "thex"
  });

  test('non-ASCII punctuation is kept (string.punctuation is ASCII); case folds in any script', () => {
    expect(squadNormalize('Don’t — «Ça»')).toBe('don’t — «ça»');
    expect(squadNormalize('ΟΔΟΣ')).toBe('οδος');
  });

  test("whitespace is Python's str.split set: \\x85 and \\x1f split, \\ufeff does not", () => {
    expect(squadTokens('x\u0085y\u001fz')).toEqual(['x', 'y', 'z']);
    expect(squadTokens('x\ufeffy')).toEqual(['x\ufeffy']);
    expect(squadTokens('x\u00a0\u3000y')).toEqual(['x', 'y']);
  });
});

describe('wordTokens (rouge-score tokenizer, Unicode-aware)', () => {
  test('lower-cased runs of letters and digits; punctuation separates', () => {
    expect(wordTokens('The quick-brown fox, 2024!')).toEqual(['the', 'quick', 'brown', 'fox', '2024']);
    expect(wordTokens('東京 は Größe')).toEqual(['東京', 'は', 'größe']);
    expect(wordTokens('... ---')).toEqual([]);
  });
});
