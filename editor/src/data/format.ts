/** Small display helpers for sizes, durations and times. */
import { browserLocale, formatDateTime } from '../components/format-date.ts';
import { plural as pluralOf } from '../components/plural.ts';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  if (s < 60) return `${Math.max(0, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Today's times as the hour alone, older ones with their day; in the reader's locale. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? new Intl.DateTimeFormat(browserLocale(), { timeStyle: 'medium' }).format(d) : formatDateTime(d);
}

/** "1 file", "3 files": English words whose plural adds an s. */
export const plural = (n: number, word: string): string => pluralOf(n, word, `${word}s`);
