import { browserLocale } from '../components/format-date.ts';
import type { TimeUnit } from './usage-api.ts';

export type Preset = '24h' | '7d' | '30d' | 'custom';
export const PRESETS: { id: Preset; label: string; ms: number }[] = [
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: 'custom', label: 'Custom', ms: 0 },
];

export interface Range {
  from: string;
  to: string;
}

/** A preset's range ending now, as ISO instants (what /api/usage takes). */
export function presetRange(p: Exclude<Preset, 'custom'>, now = Date.now()): Range {
  const ms = PRESETS.find((x) => x.id === p)!.ms;
  return { from: new Date(now - ms).toISOString(), to: new Date(now).toISOString() };
}

/** A custom range of whole UTC days, `to` included: 2026-12-01..2026-12-06 ends at the start of the 7th. */
export function dayRange(fromDay: string, toDay: string): Range | string {
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const to = Date.parse(`${toDay}T00:00:00Z`) + 86_400_000;
  if (Number.isNaN(from) || Number.isNaN(to)) return 'choose both dates';
  if (from >= to) return 'the start must not be after the end';
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

const HOUR_MS = 3_600_000;
/** More buckets than this are not filled in with empty ones (an hourly year): only those with usage show. */
const MAX_FILLED = 1000;

/** The buckets /api/usage names ("2026-12-06", "2026-12-06T17:00Z") from `from` to `to`, in order. */
export function buckets(r: Range, unit: TimeUnit): string[] | undefined {
  const step = unit === 'day' ? 24 * HOUR_MS : HOUR_MS;
  const start = Math.floor(Date.parse(r.from) / step) * step;
  const end = Date.parse(r.to);
  if ((end - start) / step > MAX_FILLED) return undefined;
  const out: string[] = [];
  for (let t = start; t < end; t += step) out.push(bucketOf(t, unit));
  return out;
}

export function bucketOf(t: number, unit: TimeUnit): string {
  const iso = new Date(t).toISOString();
  return unit === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00Z`;
}

/** A bucket as a short label: "Dec 6" (en-US) or "6. Dez." (de-DE) for a day, "17:00" for an hour (UTC, as the server counts). */
export function bucketLabel(b: string, unit: TimeUnit, locale = browserLocale()): string {
  if (unit === 'hour') return b.slice(11, 16);
  return new Date(`${b}T00:00:00Z`).toLocaleDateString(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** A day bucket ("2026-12-06") as the reader writes the date, e.g. "Dec 6, 2026" or "06.12.2026". */
export function dayLabel(b: string, locale = browserLocale()): string {
  return new Date(`${b}T00:00:00Z`).toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' });
}
