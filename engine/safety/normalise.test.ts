import { describe, expect, it } from 'vitest';
import { Normaliser } from './normalise.ts';

const vocab = new Set(['kill', 'you', 'vermin', 'immigrants', 'sex', 'ass', 'will', 'fuck', 'myself']);
const n = new Normaliser(vocab);
const toks = (s: string) => n.tokens(s).toks;

describe('Normaliser', () => {
  it('lowercases and splits on non-word characters, dropping apostrophes', () => {
    expect(toks("I'LL kill-you, don't")).toEqual(['ill', 'kill', 'you', 'dont']);
  });

  it('reads leetspeak inside words towards vocabulary words, trying 1 as i and as l', () => {
    expect(toks('k1ll y0u')).toEqual(['kill', 'you']);
    expect(toks('wi11 v3rmin 1mm1grants')).toEqual(['will', 'vermin', 'immigrants']);
    expect(toks('k!ll $ex')).toEqual(['kill', 'sex']);
  });

  it('leaves numbers and unknown words alone', () => {
    expect(toks('5 people at 10:30')).toEqual(['5', 'people', 'at', '10', '30']);
    expect(toks('as passes')).toEqual(['as', 'passes']);
  });

  it('squeezes runs of three or more letters only towards vocabulary words', () => {
    expect(toks('kiiiilllll fuuuuck')).toEqual(['kill', 'fuck']);
    expect(toks('sooo good')).toEqual(['sooo', 'good']);
  });

  it('joins letters spelled apart with spaces, dots or dashes', () => {
    expect(toks('I will k i l l you')).toEqual(['i', 'will', 'kill', 'you']);
    expect(toks('k.i.l.l m-y-s-e-l-f')).toEqual(['kill', 'myself']);
    expect(toks('s e x now')).toEqual(['sex', 'now']);
    expect(toks('a b c d')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('folds compatibility forms and accents, and drops zero-width characters', () => {
    expect(toks('ｋｉｌｌ kïll ki\u200bll')).toEqual(['kill', 'kill', 'kill']);
  });

  it('numbers sentences at . ! ? ; and newlines, but not inside k.i.l.l or 3.5', () => {
    expect(n.tokens('one two. three! four? five; six\nseven 3.5').sent).toEqual([0, 0, 1, 2, 3, 4, 5, 5, 5]);
  });
});
