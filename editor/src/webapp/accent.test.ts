import { describe, expect, it } from 'vitest';
import { accentColours, contrast, parseHex } from './accent.ts';

const rgb = (h: string) => parseHex(h)!;

describe('accentColours', () => {
  it('puts black text on a light accent and white text on a dark one', () => {
    expect(accentColours('#ffd400').text).toBe('#000000');
    expect(accentColours('#123456').text).toBe('#ffffff');
  });

  it('darkens a pale accent until it reads as text on white and on its tint (AA)', () => {
    for (const hex of ['#ffd400', '#7fdbff', '#2ecc40', '#2f6df6', '#ffffff']) {
      const a = accentColours(hex);
      expect(contrast(rgb(a.strong), [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
      expect(contrast(rgb(a.strong), rgb(a.soft))).toBeGreaterThanOrEqual(4.5);
      expect(contrast(rgb(a.text), rgb(a.accent))).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('falls back on a colour that does not parse', () => {
    expect(accentColours('red').accent).toBe('#2f6df6');
  });
});
