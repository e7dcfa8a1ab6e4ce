import { describe, expect, it } from 'vitest';
import { usd } from './format.ts';
import { bucketLabel, buckets, dayRange, presetRange } from './range.ts';

describe('usage ranges', () => {
  it('a preset ends now and starts its length before', () => {
    expect(presetRange('24h', Date.parse('2026-12-06T17:30:00Z'))).toEqual({ from: '2026-12-05T17:30:00.000Z', to: '2026-12-06T17:30:00.000Z' });
    expect(presetRange('7d', Date.parse('2026-12-08T00:00:00Z')).from).toBe('2026-12-01T00:00:00.000Z');
  });

  it('a custom range takes whole UTC days, the last one included, and refuses an end before the start', () => {
    expect(dayRange('2026-12-01', '2026-12-01')).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' });
    expect(dayRange('2026-12-03', '2026-12-01')).toBe('the start must not be after the end');
    expect(dayRange('', '2026-12-01')).toBe('choose both dates');
  });

  it('names the buckets as /api/usage does, from the one holding the start', () => {
    expect(buckets({ from: '2026-12-06T15:30:00Z', to: '2026-12-06T18:00:00Z' }, 'hour')).toEqual(['2026-12-06T15:00Z', '2026-12-06T16:00Z', '2026-12-06T17:00Z']);
    expect(buckets({ from: '2026-12-01T00:00:00Z', to: '2026-12-03T00:00:00Z' }, 'day')).toEqual(['2026-12-01', '2026-12-02']);
    // An hourly year is not filled in.
    expect(buckets({ from: '2025-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, 'hour')).toBeUndefined();
    expect(bucketLabel('2026-12-06T17:00Z', 'hour')).toBe('17:00');
    expect(bucketLabel('2026-12-06', 'day')).toBe('Dec 6');
  });

  it('prices in dollars to the micro-dollar below one, to the cent above', () => {
    expect([usd(0), usd(0.000123), usd(0.0015), usd(0.1), usd(1234.5)]).toEqual(['$0', '$0.000123', '$0.0015', '$0.1', '$1,234.50']);
  });
});
