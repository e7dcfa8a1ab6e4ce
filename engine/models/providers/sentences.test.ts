import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.ts';

describe('splitSentences', () => {
  it('joins hard-wrapped prose back into its sentences', () => {
    const text = 'Sick leave is separate from PTO. Employees have 10 paid sick days per year, which do not carry\nover. For absences longer than three consecutive working days, please provide a doctor\'s note to\nHR within a week.';
    expect(splitSentences(text)).toEqual([
      'Sick leave is separate from PTO.',
      'Employees have 10 paid sick days per year, which do not carry over.',
      "For absences longer than three consecutive working days, please provide a doctor's note to HR within a week.",
    ]);
  });

  it('keeps list items, headings, short lines and lines ending a sentence apart', () => {
    const text = '# Opening hours\nMonday to Friday the library opens from 09:00 until 20:00\n- Saturday: 10:00 to 16:00\n- Sunday: closed\nTel 555 0100\nFax 555 0101\nThis line is long enough to wrap and it ends with a full stop.\nNext line starts a sentence';
    expect(splitSentences(text)).toEqual([
      '# Opening hours',
      'Monday to Friday the library opens from 09:00 until 20:00',
      '- Saturday: 10:00 to 16:00',
      '- Sunday: closed',
      'Tel 555 0100',
      'Fax 555 0101',
      'This line is long enough to wrap and it ends with a full stop.',
      'Next line starts a sentence',
    ]);
  });
});
