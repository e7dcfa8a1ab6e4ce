import { describe, expect, test } from 'vitest';
import { groundednessOffline, MAX_SUPPORT_WORK, passagesOf, splitSentences } from './groundedness-offline.ts';

const passages = ['Vienna is the capital of Austria. It lies on the Danube.', 'The Rhine flows into the North Sea.'];

describe('groundednessOffline', () => {
  test('hand-worked: one supported sentence, one not, one with no claim', () => {
    // "Vienna lies on the Danube."          content {vienna, lies, danube}: passage 0 has 3/3 → supported
    // "Berlin is the capital of Germany."  content {berlin, capital, germany}: passage 0 has 1/3, passage 1 0/3 → not
    // "Yes."                                no content word → not counted
    // score = 1 supported / 2 counted = 0.5
    const r = groundednessOffline('Vienna lies on the Danube. Berlin is the capital of Germany. Yes.', passages);
    expect(r).toMatchObject({ score: 0.5, supported: 1, total: 2, threshold: 0.5 });
    expect(r.unsupported_sentences).toEqual([{ sentence: 'Berlin is the capital of Germany.', overlap: 1 / 3, passage: 0 }]);
  });

  test('the threshold decides: at 1/3 both sentences are supported (≥ is enough)', () => {
    expect(groundednessOffline('Vienna lies on the Danube. Berlin is the capital of Germany.', passages, 1 / 3).score).toBe(1);
  });

  test('a context string is split into passages at blank lines', () => {
    expect(passagesOf('one\n\n  two  \n \nthree\nfour')).toEqual(['one', 'two', 'three\nfour']);
    const r = groundednessOffline('The Rhine flows into the North Sea.', passages.join('\n\n'));
    expect(r).toMatchObject({ score: 1, unsupported_sentences: [] });
  });

  test('no checkable sentence is null with a reason; no context leaves every sentence unsupported', () => {
    expect(groundednessOffline('', passages)).toMatchObject({ score: null, total: 0, reason: expect.any(String) });
    expect(groundednessOffline('Yes. It is.', passages).score).toBeNull();
    const none = groundednessOffline('Vienna lies on the Danube.', []);
    expect(none).toMatchObject({ score: 0, unsupported_sentences: [{ sentence: 'Vienna lies on the Danube.', overlap: 0, passage: null }] });
  });

  test('sentences split after . ! ? … and at line breaks, not inside "3.5"', () => {
    expect(splitSentences('It costs 3.5 euros. Really? Yes!\nNext line… 東京です。はい')).toEqual(['It costs 3.5 euros.', 'Really?', 'Yes!', 'Next line…', '東京です。はい']);
  });

  test('Unicode words compare', () => {
    expect(groundednessOffline('Die Größe stimmt.', ['Die Größe des Hauses stimmt nicht.']).score).toBe(1);
  });

  test('more work than MAX_SUPPORT_WORK is refused at once, naming context', () => {
    const answer = Array.from({ length: 2_000 }, (_, i) => `w${i}`).join(' ');
    const many = Array.from({ length: Math.ceil(MAX_SUPPORT_WORK / 2_000) + 1 }, () => 'x');
    expect(() => groundednessOffline(answer, many)).toThrow(expect.objectContaining({ code: 'metric_input_too_large', path: ['inputs', 'context'] }));
  });
});
