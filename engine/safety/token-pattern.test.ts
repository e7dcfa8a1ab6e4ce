import { describe, expect, it } from 'vitest';
import { compilePattern, inflect, matchFrom } from './token-pattern.ts';

const classes = { P: ['you', 'him'] };
const run = (src: string, words: string[], sent = words.map(() => 0)) => {
  const p = compilePattern(src, classes);
  return words.findIndex((w, i) => p.first.has(w) && matchFrom(p, words, sent, i) >= 0);
};

describe('token patterns', () => {
  it('inflects generously', () => {
    expect(inflect('stab')).toEqual(expect.arrayContaining(['stabs', 'stabbed', 'stabbing']));
    expect(inflect('strangle')).toEqual(expect.arrayContaining(['strangled', 'strangling']));
  });

  it('matches alternatives, classes, optional slots and bounded gaps', () => {
    expect(run('kill+ ~1 @P', 'i will kill all of you'.split(' '))).toBe(-1);
    expect(run('kill+ ~2 @P', 'i will kill all of you'.split(' '))).toBe(2);
    expect(run('cat the|a? dog', ['cat', 'dog'])).toBe(0);
    expect(run('cat the|a? dog', ['cat', 'a', 'dog'])).toBe(0);
    expect(run('big ~10 dog', 'big a b c d e f g h i j dog'.split(' '))).toBe(0);
  });

  it('never reaches across a sentence end, and ^ needs a sentence start', () => {
    expect(run('kill ~3 @P', ['kill', 'it', 'you'], [0, 0, 1])).toBe(-1);
    expect(run('^ kill @P', ['kill', 'you'])).toBe(0);
    expect(run('^ kill @P', ['i', 'kill', 'you'])).toBe(-1);
  });

  it('refuses a pattern that does not start with a required word, or names an unknown class', () => {
    expect(() => compilePattern('~2 kill', classes)).toThrow(/must start/);
    expect(() => compilePattern('a? kill', classes)).toThrow(/must start/);
    expect(() => compilePattern('kill @NOPE', classes)).toThrow(/unknown class/);
  });
});
