import { describe, expect, it } from 'vitest';
import { highlightPassage, sentences } from './cite-highlight.ts';

describe('highlightPassage', () => {
  const passage = 'Employees accrue leave monthly. Full-time employees get 22 days of paid time off per year. Part-time staff get a share.';

  it('marks the passage sentence the citing answer sentence drew on', () => {
    const segs = highlightPassage(passage, 'Full-time staff get 22 days of paid time off a year [1]. Bees fly [2].', 1);
    expect(segs.filter((s) => s.marked).map((s) => s.text.trim())).toEqual(['Full-time employees get 22 days of paid time off per year.']);
    expect(segs.map((s) => s.text).join('')).toBe(passage);
  });

  it('reads a citation after the full stop as the sentence before it, and a hard-wrapped passage as whole sentences', () => {
    const wrapped = 'Every full-time employee receives 22 days of paid time off per calendar year, on top of public\nholidays. PTO accrues monthly at a rate of 1.83 days per month. After five years of continuous\nservice the allowance rises to 27 days per year.';
    const answer = 'Every full-time employee receives 22 days of paid time off per calendar year, on top of public holidays. [1] After seven years of service, employees may take a sabbatical. [3]';
    const marked = highlightPassage(wrapped, answer, 1).filter((s) => s.marked).map((s) => s.text.trim());
    expect(marked).toEqual(['Every full-time employee receives 22 days of paid time off per calendar year, on top of public\nholidays.']);
  });

  it('marks nothing when the answer shares no words with the passage', () => {
    expect(highlightPassage(passage, 'Queens lay eggs [1].', 1)).toEqual([{ text: passage, marked: false }]);
  });

  it('splits sentences without losing characters', () => {
    const t = 'One. Two!\nThree? four 1.5 five\n\nSix';
    expect(sentences(t).join('')).toBe(t);
    expect(sentences(t).map((x) => x.trim())).toEqual(['One.', 'Two!', 'Three?', 'four 1.5 five', 'Six']);
  });
});
