import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatRelative } from './format-date.ts';
import { plural } from './plural.ts';

const ISO = '2026-12-06T19:48:00.000Z';

describe('formatDateTime / formatDate', () => {
  it('writes a date the German way for de-DE and never as raw ISO', () => {
    const de = formatDateTime(ISO, 'de-DE');
    expect(de).not.toContain('2026-12-06');
    expect(de).not.toContain('T19');
    expect(de).toMatch(/\d{2}\.12\.2026/);
    expect(formatDate(ISO, 'de-DE')).toMatch(/^0?[67]\.12\.2026$/);
  });

  it('follows the locale rather than a hard-coded US order', () => {
    const us = formatDate('2026-03-04T12:00:00Z', 'en-US');
    const gb = formatDate('2026-03-04T12:00:00Z', 'en-GB');
    expect(us).toBe('Mar 4, 2026');
    expect(gb).toBe('4 Mar 2026');
    expect(formatDate('2026-03-04T12:00:00Z', 'ja-JP')).toBe('2026/03/04');
  });

  it('accepts epoch milliseconds and Date objects', () => {
    const ms = Date.parse(ISO);
    expect(formatDateTime(ms, 'de-DE')).toBe(formatDateTime(ISO, 'de-DE'));
    expect(formatDateTime(new Date(ms), 'de-DE')).toBe(formatDateTime(ISO, 'de-DE'));
  });

  it('shows a dash for a missing date and the text itself for an unparseable one', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDate(undefined)).toBe('—');
    expect(formatDate('')).toBe('—');
    expect(formatDateTime('not a date')).toBe('not a date');
    expect(formatRelative('soon')).toBe('soon');
  });
});

describe('formatRelative', () => {
  const now = Date.parse(ISO);
  it('says how long ago in the reader\'s language', () => {
    expect(formatRelative(now - 5 * 60_000, 'en-US', now)).toBe('5 minutes ago');
    expect(formatRelative(now - 5 * 60_000, 'de-DE', now)).toBe('vor 5 Minuten');
    expect(formatRelative(now - 3 * 3600_000, 'en-US', now)).toBe('3 hours ago');
    expect(formatRelative(now - 24 * 3600_000, 'en-US', now)).toBe('yesterday');
    expect(formatRelative(now + 2 * 24 * 3600_000, 'en-US', now)).toBe('in 2 days');
  });
  it('calls the last few seconds "now"', () => {
    expect(formatRelative(now - 3000, 'en-US', now)).toBe('now');
    expect(formatRelative(now, 'de-DE', now)).toBe('jetzt');
  });
});

describe('plural', () => {
  it('uses the singular for one and the plural otherwise', () => {
    expect(plural(1, 'chunk', 'chunks', 'en-US')).toBe('1 chunk');
    expect(plural(0, 'chunk', 'chunks', 'en-US')).toBe('0 chunks');
    expect(plural(2, 'chunk', 'chunks', 'en-US')).toBe('2 chunks');
    expect(plural(1234, 'document', 'documents', 'en-US')).toBe('1,234 documents');
    expect(plural(1234, 'document', 'documents', 'de-DE')).toBe('1.234 documents');
  });
});
