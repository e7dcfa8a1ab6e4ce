import { describe, expect, it } from 'vitest';
import { analysisOf, attackOf, AZURE_TEXT_LIMIT, splitText } from './azure-content-safety.ts';

const SAFE = { hate: 'safe', sexual: 'safe', violence: 'safe', self_harm: 'safe' };

describe('analysisOf (text:analyze, FourSeverityLevels)', () => {
  it('maps 0, 2, 4, 6 to safe, low, medium, high and Azure\'s names to Weir\'s', () => {
    const json = { blocklistsMatch: [], categoriesAnalysis: [{ category: 'Hate', severity: 2 }, { category: 'SelfHarm', severity: 0 }, { category: 'Sexual', severity: 6 }, { category: 'Violence', severity: 4 }] };
    expect(analysisOf(json)).toEqual({ hate: 'low', self_harm: 'safe', sexual: 'high', violence: 'medium' });
  });

  it('rounds the eight-level scale down, leaves out categories not asked for, and missing ones are safe', () => {
    expect(analysisOf({ categoriesAnalysis: [{ category: 'Violence', severity: 5 }, { category: 'Hate', severity: 1 }, { category: 'Protected', severity: 6 }] })).toEqual({ ...SAFE, violence: 'medium', hate: 'safe' });
    expect(analysisOf({ categoriesAnalysis: [] })).toEqual(SAFE);
  });

  it.each([
    [{}, 'without categoriesAnalysis'],
    [null, 'without categoriesAnalysis'],
    [{ categoriesAnalysis: [{ category: 'Hate', severity: 8 }] }, 'a severity that is not one of 0 to 7 for Hate'],
    [{ categoriesAnalysis: [{ category: 'Hate', severity: '2' }] }, 'a severity that is not one of 0 to 7 for Hate'],
    [{ categoriesAnalysis: [{ category: 'Hate' }] }, 'a severity that is not one of 0 to 7 for Hate'],
  ])('%j is an error, never safe', (json, why) => {
    expect(() => analysisOf(json)).toThrow(expect.objectContaining({ code: 'content_filter_unavailable', message: `Azure AI Content Safety answered ${why}` }));
  });
});

describe('attackOf (text:shieldPrompt)', () => {
  it('reads userPromptAnalysis.attackDetected', () => {
    expect(attackOf({ userPromptAnalysis: { attackDetected: true }, documentsAnalysis: [] })).toBe(true);
    expect(attackOf({ userPromptAnalysis: { attackDetected: false } })).toBe(false);
  });
  it.each([[{}], [{ userPromptAnalysis: {} }], [{ userPromptAnalysis: { attackDetected: 'yes' } }]])('%j is an error', (json) => {
    expect(() => attackOf(json)).toThrow(expect.objectContaining({ code: 'content_filter_unavailable' }));
  });
});

describe('splitText (10 000 characters a call)', () => {
  it('keeps short text whole', () => {
    expect(splitText('hello')).toEqual(['hello']);
    expect(splitText('x'.repeat(AZURE_TEXT_LIMIT))).toHaveLength(1);
  });
  it('cuts longer text at whitespace into pieces within the limit, losing nothing', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ');
    const pieces = splitText(text);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => p.length <= AZURE_TEXT_LIMIT)).toBe(true);
    expect(pieces.join('')).toBe(text);
    expect(pieces.slice(0, -1).every((p) => p.endsWith(' '))).toBe(true);
  });
  it('cuts a run without whitespace at the limit', () => {
    expect(splitText('y'.repeat(25), 10)).toEqual(['y'.repeat(10), 'y'.repeat(10), 'y'.repeat(5)]);
  });
});
