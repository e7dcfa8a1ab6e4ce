/**
 * Dates as the reader writes them: every studio date goes through here, in the browser's own locale
 * (navigator.language), so a German reader sees "6.12.2026, 19:48" and nobody sees a raw ISO string
 * or a US-only month/day order.
 */

type When = string | number | Date | null | undefined;

/** The locale the browser reports; undefined (the runtime default) where there is no navigator. */
export function browserLocale(): string | undefined {
  if (typeof navigator === 'undefined') return undefined;
  return navigator.languages?.[0] ?? navigator.language ?? undefined;
}

function toDate(when: When): Date | undefined {
  if (when === null || when === undefined || when === '') return undefined;
  const d = when instanceof Date ? when : new Date(when);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Shown for a missing date; an unparseable one is shown as it came rather than "Invalid Date". */
const NONE = '—';

/** Date and time to the minute, e.g. "Dec 6, 2026, 7:48 PM" (en-US) or "06.12.2026, 19:48" (de-DE). */
export function formatDateTime(when: When, locale = browserLocale()): string {
  const d = toDate(when);
  if (!d) return when ? String(when) : NONE;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** The day only, e.g. "Dec 6, 2026" (en-US) or "06.12.2026" (de-DE). */
export function formatDate(when: When, locale = browserLocale()): string {
  const d = toDate(when);
  if (!d) return when ? String(when) : NONE;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(d);
}

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600], ['month', 30 * 24 * 3600], ['week', 7 * 24 * 3600],
  ['day', 24 * 3600], ['hour', 3600], ['minute', 60], ['second', 1],
];

/**
 * How long ago (or from now), e.g. "5 minutes ago" / "vor 5 Minuten"; under ten seconds reads as
 * "now". `now` is a parameter so callers (and tests) can pin the clock.
 */
export function formatRelative(when: When, locale = browserLocale(), now: number = Date.now()): string {
  const d = toDate(when);
  if (!d) return when ? String(when) : NONE;
  const seconds = (d.getTime() - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(seconds) < 10) return rtf.format(0, 'second');
  for (const [unit, size] of STEPS) {
    if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(0, 'second');
}
