import { describe, expect, it } from 'vitest';
import { formatMs, formatUsage, formatValue, shortId } from './format.ts';

describe('format', () => {
  it('formats durations', () => {
    expect(formatMs(undefined)).toBe('–');
    expect(formatMs(null)).toBe('–');
    expect(formatMs(0.73)).toBe('0.73 ms');
    expect(formatMs(31.8)).toBe('32 ms');
    expect(formatMs(2400)).toBe('2.40 s');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatMs(185_000)).toBe('3 m 05 s');
  });

  it('formats token usage, and nothing for none', () => {
    expect(formatUsage({})).toBe('');
    expect(formatUsage(null)).toBe('');
    expect(formatUsage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 })).toBe('10 in · 5 out · 15 total tokens');
  });

  it('shows strings as text and the rest as pretty JSON', () => {
    expect(formatValue('Hello')).toBe('Hello');
    expect(formatValue({ words: 5 })).toBe('{\n  "words": 5\n}');
    expect(formatValue(5)).toBe('5');
    expect(formatValue(null)).toBe('null');
    expect(formatValue({ truncated: true, chars: 20000, preview: '[1,2' })).toMatch(/^\[1,2…[\s\S]*20[,.\s]?000 characters/);
  });

  it('shortens run ids to their tail', () => {
    expect(shortId('01a21036-ffa6-78c0-86a9-639246f082f9')).toBe('…46f082f9');
    expect(shortId('abc')).toBe('abc');
  });
});
